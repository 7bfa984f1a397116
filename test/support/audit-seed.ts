import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { ChainedEvent, eventHash } from '../../src/modules/audit/audit-chain';

const CHUNK = 5_000;

/**
 * Appends `events` valid chain links (grant.approved events whose justification is `filler`) after the tenant's
 * head, computed here and written with unnest in chunks, and moves the head to the last one.
 */
export async function seedChain(db: Client, tenantId: string, events: number, filler: string): Promise<void> {
  const { rows } = await db.query('SELECT seq, hash FROM audit_heads WHERE tenant_id = $1', [tenantId]);
  let seq = BigInt(rows[0].seq);
  let prev = rows[0].hash as string;
  const start = Date.now();
  for (let offset = 0; offset < events; offset += CHUNK) {
    const batch: ChainedEvent[] = [];
    for (let i = offset; i < Math.min(offset + CHUNK, events); i += 1) {
      seq += 1n;
      const unhashed = {
        id: randomUUID(),
        tenantId,
        seq,
        occurredAt: new Date(start + i),
        actorType: 'approver',
        actorId: `approver-${i % 7}@example.com`,
        actorEmail: `approver-${i % 7}@example.com`,
        action: 'grant.approved',
        targetType: 'grant',
        targetId: randomUUID(),
        data: { justification: `${i}: ${filler}`, comment: 'ok, "fine"' },
      };
      const hash = eventHash(prev, unhashed);
      batch.push({ ...unhashed, prevHash: prev, hash });
      prev = hash;
    }
    const column = <K extends keyof ChainedEvent>(key: K) => batch.map((event) => event[key]);
    await db.query(
      `INSERT INTO audit_events (id, tenant_id, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::jsonb[], $12::text[], $13::text[])`,
      [
        column('id'),
        column('tenantId'),
        column('seq').map(String),
        column('occurredAt'),
        column('actorType'),
        column('actorId'),
        column('actorEmail'),
        column('action'),
        column('targetType'),
        column('targetId'),
        column('data').map((data) => JSON.stringify(data)),
        column('prevHash'),
        column('hash'),
      ],
    );
  }
  await db.query('UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1', [tenantId, seq.toString(), prev]);
}
