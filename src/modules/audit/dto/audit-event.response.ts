import { ApiProperty } from '@nestjs/swagger';
import type { ActorType, ChainBreak, VerifyResult } from '@/modules/audit/audit-chain';
import type { AuditEventView } from '@/modules/audit/audit-event.view';

/** Who did it: an API key, an approver (by email) or the service itself. */
export class AuditActorResponse {
  @ApiProperty({ enum: ['api_key', 'approver', 'system'] })
  type!: ActorType;
  id!: string | null;
  email?: string;
}

/** One event of the tenant's hash chain: `hash = sha256(prev_hash + canonical event)`. */
export class AuditEventResponse implements AuditEventView {
  id!: string;
  seq!: number;
  occurred_at!: string;
  actor!: AuditActorResponse;
  action!: string;
  target_type!: string;
  target_id!: string;
  /** The event's payload. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: unknown;
  prev_hash!: string;
  hash!: string;
}

export class AuditEventPageResponse {
  data!: AuditEventResponse[];
  next_cursor!: string | null;
}

/** Whether the tenant's chain is intact. */
export class VerifyResponse implements VerifyResult {
  valid!: boolean;
  events_checked!: number;
  /** The first event that does not chain; only when `valid` is false. */
  first_invalid_id?: string;
  /** Why the chain is broken; only when `valid` is false. */
  @ApiProperty({ enum: ['sequence_gap', 'prev_hash_mismatch', 'hash_mismatch', 'head_mismatch'], required: false })
  reason?: ChainBreak;
}
