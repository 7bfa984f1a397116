import { randomUUID } from 'node:crypto';
import { get, IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from 'pg';
import { ChainedEvent, eventHash } from '../src/modules/audit/audit-chain';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

const EVENTS = 100_000;
const CHUNK = 5_000;
/** A justification of about 1 KB with everything CSV must quote: the whole export is well over 100 MB. */
const FILLER = 'Incident "INC-42", db-primary down,\nneed psql on prod.\r\n'.repeat(18);
const HEAP_BOUND = 100 * 1024 * 1024;

// Dead strings may sit in the heap until V8 feels like collecting them: sample the live heap, after a full collection.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const liveHeap = (): number => {
  collect();
  return process.memoryUsage().heapUsed;
};

/** Appends EVENTS valid chain links after the tenant's head, computed here and written with unnest in chunks. */
async function seedChain(db: Client, tenantId: string): Promise<void> {
  const { rows } = await db.query('SELECT seq, hash FROM audit_heads WHERE tenant_id = $1', [tenantId]);
  let seq = BigInt(rows[0].seq);
  let prev = rows[0].hash as string;
  const start = Date.now();
  for (let offset = 0; offset < EVENTS; offset += CHUNK) {
    const batch: ChainedEvent[] = [];
    for (let i = offset; i < offset + CHUNK; i += 1) {
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
        data: { justification: `${i}: ${FILLER}`, comment: 'ok, "fine"' },
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

interface StreamStats {
  status: number;
  headers: IncomingMessage['headers'];
  bytes: number;
  records: number;
  heapGrowth: number;
  firstRecord: string;
}

/**
 * Reads a real HTTP response chunk by chunk, keeping nothing but counters, and samples the live heap as it goes.
 * Records are counted with RFC 4180 quoting in mind, so line breaks inside quoted CSV cells do not count.
 */
function stream(url: string, headers: Record<string, string>): Promise<StreamStats> {
  return new Promise((resolve, reject) => {
    const baseline = liveHeap();
    let peak = baseline;
    get(url, { headers }, (response) => {
      const stats = { status: response.statusCode ?? 0, headers: response.headers, bytes: 0, records: 0, heapGrowth: 0, firstRecord: '' };
      let quoted = false;
      let sinceSample = 0;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (stats.records === 0) stats.firstRecord += chunk.slice(0, 2000);
        stats.bytes += Buffer.byteLength(chunk);
        for (let i = 0; i < chunk.length; i += 1) {
          const c = chunk.charCodeAt(i);
          if (c === 34) quoted = !quoted;
          else if (c === 10 && !quoted) stats.records += 1;
        }
        sinceSample += chunk.length;
        if (sinceSample > 8_000_000) {
          sinceSample = 0;
          peak = Math.max(peak, liveHeap());
        }
      });
      response.on('end', () => resolve({ ...stats, heapGrowth: peak - baseline }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

describe('audit export of 100,000 events', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let base: string;
  let total: number;

  beforeAll(async () => {
    tenant = await createTenant(t);
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    try {
      await seedChain(db, tenant.id);
      total = (await db.query('SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id])).rows[0].n;
    } finally {
      await db.end();
    }
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
  }, 300_000);

  const headers = () => ({ 'x-api-key': tenant.keys.auditor, 'x-tenant-id': tenant.id });

  it('streams NDJSON with a flat heap', async () => {
    const result = await stream(`${base}/v1/audit/events/export?format=ndjson`, headers());
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(result.headers['content-disposition']).toMatch(/^attachment;/);
    expect(result.headers['content-length']).toBeUndefined();
    expect(total).toBe(EVENTS + 5);
    expect(result.records).toBe(total);
    expect(result.bytes).toBeGreaterThan(HEAP_BOUND);
    expect(result.heapGrowth).toBeLessThan(HEAP_BOUND);
    expect(JSON.parse(result.firstRecord.split('\n')[0]!)).toMatchObject({ seq: 1, action: 'tenant.created' });
  }, 300_000);

  it('streams CSV with a flat heap, one record per event whatever the justifications hold', async () => {
    const result = await stream(`${base}/v1/audit/events/export?format=csv`, headers());
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^text\/csv/);
    expect(result.records).toBe(total + 1);
    expect(result.bytes).toBeGreaterThan(HEAP_BOUND);
    expect(result.heapGrowth).toBeLessThan(HEAP_BOUND);
  }, 300_000);

  it('verifies the whole chain', async () => {
    const response = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' });
    expect(response.body).toEqual({ valid: true, events_checked: total });
  }, 300_000);
});
