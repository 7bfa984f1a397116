import { HotRequests } from '../src/common/http/hot-requests';
import { sendOverSocket, TestApp } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function send(t: TestApp, url: string, headers: Record<string, string>, payload: string | Buffer | string[]): Promise<Sent> {
  const answer = await sendOverSocket(t.app, 'POST', url, headers, payload);
  return { status: answer.statusCode, headers: answer.headers as Sent['headers'], body: answer.body };
}

/** The same request through Fastify's router (inject never reaches the server's request event). */
async function viaFastify(t: TestApp, url: string, headers: Record<string, string>, payload: string | Buffer): Promise<Sent> {
  const response = await t.app.inject({ method: 'POST', url, headers, payload });
  return { status: response.statusCode, headers: response.headers as Sent['headers'], body: response.body };
}

/** `{"checks": [body]}` for a body that is a JSON object (or bytes), else the body unchanged. */
function asBatch(body: string | Buffer): string | Buffer {
  if (Buffer.isBuffer(body)) return Buffer.concat([Buffer.from('{"checks":['), body, Buffer.from(']}')]);
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? `{"checks":[${body}]}` : body;
  } catch {
    return body;
  }
}

const triple = (resource: string) => ({ principal: user('alice'), action: action('ssh'), resource: host(resource) });

describe('hot routes served below Fastify', () => {
  const t = useTestApp({ RATE_LIMIT_AUTH_FAILURES_PER_IP: '1000' });
  let tenant: TestTenant;
  let other: TestTenant;
  let grantId: string;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
    await permitPolicy(tenant, 'alice', 'ssh');
    grantId = (await tenant.admin({ method: 'POST', url: '/v1/grants', body: triple('web1') })).body.id;
  });

  const json = (key: string, tenantId: string) => ({ 'content-type': 'application/json', 'x-api-key': key, 'x-tenant-id': tenantId });

  it('answers every input exactly as Fastify answers it: status, body, content type and connection', async () => {
    const auditor = () => json(tenant.keys.auditor, tenant.id);
    const cases: [string, Record<string, string>, string | Buffer][] = [
      ['allowed', auditor(), JSON.stringify(triple('web1'))],
      ['denied', auditor(), JSON.stringify(triple('web2'))],
      ['charset', { ...auditor(), 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(triple('web1'))],
      ['not JSON', auditor(), '{"principal":'],
      ['empty', auditor(), ''],
      ['array', auditor(), '[]'],
      ['NUL', auditor(), JSON.stringify({ ...triple('web1'), principal: { type: 'User', id: 'a\u0000' } })],
      ['lone surrogate', auditor(), JSON.stringify(triple('\ud800'))],
      ['not UTF-8', auditor(), Buffer.from(JSON.stringify(triple('j\xfcrg')), 'latin1')],
      ['__proto__', auditor(), '{"__proto__":{"x":1},"principal":{"type":"User","id":"alice"}}'],
      ['too deep', auditor(), '['.repeat(40) + ']'.repeat(40)],
      ['huge number', auditor(), '{"principal":1e400}'],
      ['extra field', auditor(), JSON.stringify({ ...triple('web1'), context: {} })],
      ['bad type', auditor(), JSON.stringify({ ...triple('web1'), action: { type: 'not a type!', id: 'ssh' } })],
      ['no key', { 'content-type': 'application/json', 'x-tenant-id': tenant.id }, JSON.stringify(triple('web1'))],
      ['unknown key', json('jit_00000000-0000-4000-8000-000000000000_nope', tenant.id), JSON.stringify(triple('web1'))],
      ['no tenant', { 'content-type': 'application/json', 'x-api-key': tenant.keys.auditor }, JSON.stringify(triple('web1'))],
      ['other tenant', json(tenant.keys.auditor, other.id), JSON.stringify(triple('web1'))],
      ['bad token', { 'content-type': 'application/json', authorization: 'Bearer x.y.z', 'x-tenant-id': tenant.id }, JSON.stringify(triple('web1'))],
    ];
    const taken = jest.spyOn(HotRequests.prototype, 'serve');
    for (const url of ['/v1/access/check', '/v1/access/check/batch']) {
      for (const [name, headers, body] of cases) {
        const payload = url.endsWith('batch') ? asBatch(body) : body;
        const [socket, fastify] = await Promise.all([send(t, url, headers, payload), viaFastify(t, url, headers, payload)]);
        // Fastify closes the connection after a body it refused (the client may send more); so must the hot path.
        const connection = (sent: Sent) => (sent.headers.connection === 'close' ? 'close' : 'keep-alive');
        expect({ name, url, status: socket.status, body: JSON.parse(socket.body) as unknown, type: socket.headers['content-type'], connection: connection(socket) }).toEqual({
          name,
          url,
          status: fastify.status,
          body: JSON.parse(fastify.body) as unknown,
          type: fastify.headers['content-type'],
          connection: connection(fastify),
        });
      }
    }
    // Every socket request above was served below Fastify; inject never reaches it.
    expect(taken.mock.results.filter((result) => result.value === true)).toHaveLength(cases.length * 2);
    taken.mockRestore();
    const allowed = await send(t, '/v1/access/check', auditor(), JSON.stringify(triple('web1')));
    expect(JSON.parse(allowed.body)).toMatchObject({ allowed: true, grant_id: grantId });
  });

  it('echoes a well-formed X-Request-ID and makes one otherwise', async () => {
    const echoed = await send(t, '/v1/access/check', { ...json(tenant.keys.auditor, tenant.id), 'x-request-id': 'trace-1.2:3' }, JSON.stringify(triple('web1')));
    expect(echoed.headers['x-request-id']).toBe('trace-1.2:3');
    const made = await send(t, '/v1/access/check', { ...json(tenant.keys.auditor, tenant.id), 'x-request-id': 'has space' }, JSON.stringify(triple('web1')));
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves to Fastify what it does not take, with the same answers', async () => {
    const headers = json(tenant.keys.auditor, tenant.id);
    const body = JSON.stringify(triple('web1'));
    const chunked = await send(t, '/v1/access/check', headers, [body.slice(0, 10), body.slice(10)]);
    expect([chunked.status, JSON.parse(chunked.body).allowed]).toEqual([200, true]);
    const query = await send(t, '/v1/access/check?x=1', headers, body);
    expect([query.status, JSON.parse(query.body).allowed]).toEqual([200, true]);
    const text = await send(t, '/v1/access/check', { ...headers, 'content-type': 'text/plain' }, body);
    expect([text.status, JSON.parse(text.body).code]).toEqual([415, 'unsupported_media_type']);
    const big = await send(t, '/v1/access/check', headers, `{"principal":"${'a'.repeat(t.config.bodyLimitBytes)}"}`);
    expect([big.status, JSON.parse(big.body).code]).toEqual([413, 'payload_too_large']);
  });

  it('counts hot-route requests in the request metrics under their route pattern', async () => {
    const count = async () => {
      const metrics = await t.request({ method: 'GET', url: '/metrics' });
      const line = (metrics.text as string).split('\n').find((l) => l.startsWith('http_request_duration_seconds_count{') && l.includes('route="/v1/access/check"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await count();
    await send(t, '/v1/access/check', json(tenant.keys.auditor, tenant.id), JSON.stringify(triple('web1')));
    expect(await count()).toBe(before + 1);
  });
});

describe('hot routes below Fastify and the per-IP limits behind a trusted proxy', () => {
  const t = useTestApp({ TRUST_PROXY: '127.0.0.1', RATE_LIMIT_AUTH_FAILURES_PER_IP: '3' });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  it('blocks the forwarded client after its failed authentications, on hot and other routes alike', async () => {
    const from = (ip: string, key: string) => ({ 'content-type': 'application/json', 'x-api-key': key, 'x-tenant-id': tenant.id, 'x-forwarded-for': ip });
    const body = JSON.stringify(triple('web1'));
    // Over a budget of 3 at the fourth failure, which is counted before its answer and refused.
    for (let i = 0; i < 3; i += 1) expect((await send(t, '/v1/access/check', from('203.0.113.7', 'jit_wrong'), body)).status).toBe(401);
    expect((await send(t, '/v1/access/check', from('203.0.113.7', 'jit_wrong'), body)).status).toBe(429);
    const blocked = await send(t, '/v1/access/check', from('203.0.113.7', tenant.keys.auditor), body);
    expect(blocked.status).toBe(429);
    expect(JSON.parse(blocked.body).details.limit).toBe('auth_failures');
    const elsewhere = await t.request({ method: 'GET', url: '/v1/grants', headers: { 'x-api-key': tenant.keys.admin, 'x-tenant-id': tenant.id, 'x-forwarded-for': '203.0.113.7' } });
    expect(elsewhere.status).toBe(429);
    expect((await send(t, '/v1/access/check', from('203.0.113.8', tenant.keys.auditor), body)).status).toBe(200);
  });
});
