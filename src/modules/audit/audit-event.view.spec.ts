import type { ChainedEvent } from './audit-chain';
import { csvHeader, csvRow, decodeSeqCursor, encodeSeqCursor, ndjsonLine, toAuditEventView } from './audit-event.view';

const event: ChainedEvent = {
  id: '00000000-0000-4000-8000-000000000001',
  tenantId: '00000000-0000-4000-8000-0000000000aa',
  seq: 7n,
  occurredAt: new Date('2026-03-04T05:06:07.089Z'),
  actorType: 'approver',
  actorId: 'ann@example.com',
  actorEmail: 'ann@example.com',
  action: 'grant.approved',
  targetType: 'grant',
  targetId: 'g1',
  data: { justification: 'fix "prod", now\nplease', comment: null },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('audit event views', () => {
  it('renders the API shape, with the email only when there is one', () => {
    expect(toAuditEventView(event)).toEqual({
      id: event.id,
      seq: 7,
      occurred_at: '2026-03-04T05:06:07.089Z',
      actor: { type: 'approver', id: 'ann@example.com', email: 'ann@example.com' },
      action: 'grant.approved',
      target_type: 'grant',
      target_id: 'g1',
      data: event.data,
      prev_hash: event.prevHash,
      hash: event.hash,
    });
    expect(toAuditEventView({ ...event, actorType: 'system', actorId: null, actorEmail: null }).actor).toEqual({ type: 'system', id: null });
  });

  it('writes one NDJSON line per event', () => {
    const line = ndjsonLine(event);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(toAuditEventView(event));
  });

  it('writes CSV rows matching the header, with the justification in its own column', () => {
    expect(csvHeader()).toBe('id,seq,occurred_at,actor_type,actor_id,actor_email,action,target_type,target_id,justification,data,prev_hash,hash\r\n');
    const row = csvRow(event);
    expect(row).toContain(',"fix ""prod"", now\nplease",');
    expect(row.endsWith(`${event.hash}\r\n`)).toBe(true);
    expect(csvRow({ ...event, data: { justification: 3 } })).toContain(',g1,,"{""justification"":3}",');
  });

  it('round-trips seq cursors and refuses foreign ones', () => {
    expect(decodeSeqCursor(encodeSeqCursor('desc', 42n), 'desc')).toBe(42n);
    expect(decodeSeqCursor(undefined, 'asc')).toBeUndefined();
    expect(() => decodeSeqCursor(encodeSeqCursor('desc', 42n), 'asc')).toThrow('other order');
    expect(() => decodeSeqCursor('bm9wZQ', 'asc')).toThrow('Invalid cursor');
    expect(() => decodeSeqCursor(Buffer.from('asc:9999999999999999999').toString('base64url'), 'asc')).toThrow('Invalid cursor');
  });
});
