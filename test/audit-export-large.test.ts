import { get, IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from 'pg';
import { baseUrl } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { seedChain } from './support/audit-seed';

const EVENTS = 100_000;
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
      await seedChain(db, tenant.id, EVENTS, FILLER);
      total = (await db.query('SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id])).rows[0].n;
    } finally {
      await db.end();
    }
    base = await baseUrl(t.app);
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
