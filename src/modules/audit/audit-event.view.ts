import { invalidInput } from '@/common/errors/domain-error';
import type { ActorType, ChainedEvent } from './audit-chain';
import { csvLine } from './csv';

export interface AuditEventView {
  id: string;
  seq: number;
  occurred_at: string;
  actor: { type: ActorType; id: string | null; email?: string };
  action: string;
  target_type: string;
  target_id: string;
  data: unknown;
  prev_hash: string;
  hash: string;
}

export function toAuditEventView(event: ChainedEvent): AuditEventView {
  const actor: AuditEventView['actor'] = { type: event.actorType as ActorType, id: event.actorId };
  if (event.actorEmail) actor.email = event.actorEmail;
  return {
    id: event.id,
    seq: Number(event.seq),
    occurred_at: event.occurredAt.toISOString(),
    actor,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    data: event.data,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

export type SortOrder = 'asc' | 'desc';

const MAX_SEQ = 2n ** 63n - 1n;

/** Keyset position in a list of one tenant's events: the last `seq` shown, and the order it was shown in. */
export const encodeSeqCursor = (order: SortOrder, seq: bigint): string =>
  Buffer.from(`${order}:${seq.toString()}`).toString('base64url');

export function decodeSeqCursor(raw: string | undefined, order: SortOrder): bigint | undefined {
  if (raw === undefined) return undefined;
  const match = /^(asc|desc):(\d{1,19})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match || BigInt(match[2] as string) > MAX_SEQ) throw invalidInput('Invalid cursor', { field: 'cursor' });
  if (match[1] !== order) throw invalidInput('The cursor belongs to the other order', { field: 'cursor' });
  return BigInt(match[2] as string);
}

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

export const ndjsonLine = (event: ChainedEvent): string => `${JSON.stringify(toAuditEventView(event))}\n`;

export const CSV_COLUMNS = [
  'id',
  'seq',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_email',
  'action',
  'target_type',
  'target_id',
  'justification',
  'data',
  'prev_hash',
  'hash',
] as const;

export const csvHeader = (): string => csvLine([...CSV_COLUMNS]);

/** `justification` gets its own column so that a spreadsheet shows it as typed; `data` holds the whole payload. */
export function csvRow(event: ChainedEvent): string {
  const data = event.data as Record<string, unknown> | null;
  const justification = data && typeof data === 'object' && typeof data.justification === 'string' ? data.justification : null;
  return csvLine([
    event.id,
    event.seq.toString(),
    event.occurredAt.toISOString(),
    event.actorType,
    event.actorId,
    event.actorEmail,
    event.action,
    event.targetType,
    event.targetId,
    justification,
    JSON.stringify(event.data),
    event.prevHash,
    event.hash,
  ]);
}
