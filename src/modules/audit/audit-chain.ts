import { createHash } from 'node:crypto';

export type ActorType = 'api_key' | 'approver' | 'person' | 'system';

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

/** An event with its id and time, not chained yet (audit_pending). */
export interface StagedEvent extends AuditEventInput {
  id: string;
  occurredAt: Date;
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

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth, so the same event always hashes the same:
 * undefined members are left out, undefined array items and a bare undefined are `null`, holes are empty. Every
 * stored hash depends on this text; the spec compares it with the first version over random values.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + (i in value ? canonicalJson(value[i]) : '');
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(member);
  }
  return `${out}}`;
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

export type ChainBreak = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export interface VerifyResult {
  valid: boolean;
  events_checked: number;
  first_invalid_id?: string;
  /** Why the chain is broken; only when `valid` is false. */
  reason?: ChainBreak;
}

/** The tenant's last appended event as `audit_heads` records it; null when nothing was ever appended. */
export interface ChainHead {
  seq: bigint;
  hash: string;
}

/** Folds over events in sequence order; call `step` for each, then `result`. Constant memory for any chain length. */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expectedSeq = 1n;
  private checked = 0;
  private firstInvalid?: string;
  private reason?: ChainBreak;

  /** True once a broken link was found: later events cannot change the result. */
  get broken(): boolean {
    return this.reason !== undefined;
  }

  step(event: ChainedEvent): void {
    if (this.reason) return;
    this.checked += 1;
    const broken: ChainBreak | undefined =
      event.seq !== this.expectedSeq
        ? 'sequence_gap'
        : event.prevHash !== this.prev
          ? 'prev_hash_mismatch'
          : eventHash(this.prev, event) !== event.hash
            ? 'hash_mismatch'
            : undefined;
    if (broken) {
      this.firstInvalid = event.id;
      this.reason = broken;
      return;
    }
    this.prev = event.hash;
    this.expectedSeq += 1n;
  }

  /**
   * With `head`, an intact prefix must also end exactly where the head says: events removed from the end of the
   * chain (or a head row rewritten) leave no broken link between events, only this mismatch, which has no event id.
   */
  result(head?: ChainHead | null): VerifyResult {
    if (!this.reason && head !== undefined) {
      const expected = head ?? { seq: 0n, hash: GENESIS_HASH };
      if (expected.seq !== this.expectedSeq - 1n || expected.hash !== this.prev) this.reason = 'head_mismatch';
    }
    if (!this.reason) return { valid: true, events_checked: this.checked };
    const result: VerifyResult = { valid: false, events_checked: this.checked, reason: this.reason };
    if (this.firstInvalid) result.first_invalid_id = this.firstInvalid;
    return result;
  }
}
