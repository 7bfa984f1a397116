import { createHash } from 'node:crypto';

export type ActorType = 'api_key' | 'approver' | 'system';

export interface Actor {
  type: ActorType;
  id: string | null;
  email?: string | null;
}

export interface AuditEventInput {
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string;
  data: Record<string, unknown>;
}

export interface ChainedEvent {
  id: string;
  tenantId: string;
  seq: bigint;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(prevHash: string, event: Omit<ChainedEvent, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({
    id: event.id,
    tenant_id: event.tenantId,
    seq: event.seq.toString(),
    occurred_at: event.occurredAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId, email: event.actorEmail },
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    data: event.data,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

export interface VerifyResult {
  valid: boolean;
  events_checked: number;
  first_invalid_id?: string;
}

/** Folds over events in sequence order; call `step` for each, then `result`. Constant memory for any chain length. */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expectedSeq = 1n;
  private checked = 0;
  private firstInvalid?: string;

  step(event: ChainedEvent): void {
    if (this.firstInvalid) return;
    this.checked += 1;
    const ok =
      event.seq === this.expectedSeq && event.prevHash === this.prev && eventHash(this.prev, event) === event.hash;
    if (!ok) {
      this.firstInvalid = event.id;
      return;
    }
    this.prev = event.hash;
    this.expectedSeq += 1n;
  }

  result(): VerifyResult {
    return this.firstInvalid
      ? { valid: false, events_checked: this.checked, first_invalid_id: this.firstInvalid }
      : { valid: true, events_checked: this.checked };
  }
}
