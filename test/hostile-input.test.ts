import { request as httpRequest } from 'node:http';
import { baseUrl } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

const DEEP = '['.repeat(10_000) + ']'.repeat(10_000);
const shape = { code: expect.any(String), message: expect.any(String) };

/** The minimal hostile inputs of issue 12, each once; test/fuzz.test.ts covers their classes on every operation. */
describe('hostile input', () => {
  const t = useTestApp();
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
  });

  it('JSON nested 10,000 deep is 400 on every route with a body, with or without a key', async () => {
    const spec = await t.request({ method: 'GET', url: '/openapi.json' });
    const routes = Object.entries(spec.body.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody && !path.startsWith('/approvals'))
        .map(([method, _op]) => ({ method: method.toUpperCase() as 'POST', url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      for (const call of [t.request, tenant.admin]) {
        const response = await call({ ...route, headers: { 'content-type': 'application/json' }, payload: DEEP });
        expect([route.url, response.status]).toEqual([route.url, 400]);
        expect(response.body).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('nest') });
      }
    }
  });

  it('a lone surrogate half is 400 naming the field, wherever it is', async () => {
    const email = await tenant.admin({ method: 'POST', url: '/v1/email-lists', headers: { 'content-type': 'application/json' }, payload: '{"name":"x","emails":["\\ud800@example.com"]}' });
    expect(email.status).toBe(400);
    expect(email.body.details.fields).toHaveProperty(['emails[0]']);
    const audit = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'a\udc00', role: 'auditor' } });
    expect(audit.status).toBe(400);
    const cedar = await tenant.admin({ method: 'POST', url: '/v1/access/check', body: { principal: user('al\ud800'), action: action('ssh'), resource: host('h') } });
    expect(cedar.body).toMatchObject({ code: 'invalid_input', details: { fields: { 'principal.id': expect.any(Array) } } });
    const key = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('h'), context: { ['\ud800']: 1 } } });
    expect(key.status).toBe(400);
  });

  it('numbers beyond 2^53 or 1e308 are 400, not rounded', async () => {
    for (const payload of ['{"principal":{"type":"User","id":"alice"},"action":{"type":"Action","id":"ssh"},"resource":{"type":"Host","id":"h"},"duration_seconds":1e400}', '{"principal":{"type":"User","id":"alice"},"action":{"type":"Action","id":"ssh"},"resource":{"type":"Host","id":"h"},"context":{"n":12345678901234567890}}']) {
      const response = await tenant.admin({ method: 'POST', url: '/v1/grants', headers: { 'content-type': 'application/json' }, payload });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
    }
  });

  it('arrays where objects belong are 400: principal, uid, and whole bodies', async () => {
    const triple = { principal: [], action: action('ssh'), resource: host('h') };
    for (const url of ['/v1/grants', '/v1/policies/simulate']) {
      const response = await tenant.admin({ method: 'POST', url, body: triple });
      expect([url, response.status]).toEqual([url, 400]);
      expect(response.body.details.fields).toHaveProperty('principal');
    }
    const uid = await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: [], attrs: {}, parents: [] }] });
    expect(uid.status).toBe(400);
    const nested = await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [[]] });
    expect(nested.status).toBe(400);
    for (const payload of ['[]', '"x"', '42', 'null', 'true']) {
      const response = await tenant.admin({ method: 'POST', url: '/v1/api-keys', headers: { 'content-type': 'application/json' }, payload });
      expect([payload, response.status]).toEqual([payload, 400]);
      expect(response.body).toEqual({ code: 'invalid_input', message: 'The body must be a JSON object', details: { fields: { body: ['must be a JSON object'] } } });
    }
  });

  it('JSON routes take only application/json: forms, text and others are 415 and create nothing', async () => {
    const before = (await tenant.admin({ method: 'GET', url: '/v1/api-keys?limit=500' })).body.data.length;
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
      const response = await tenant.admin({ method: 'POST', url: '/v1/api-keys', headers: { 'content-type': contentType }, payload: 'name=x&role=auditor' });
      expect([contentType, response.status]).toEqual([contentType, 415]);
      expect(response.body).toMatchObject({ code: 'unsupported_media_type', message: expect.any(String) });
    }
    const missing = await tenant.admin({ method: 'POST', url: '/v1/api-keys', payload: '{"name":"x","role":"auditor"}' });
    expect(missing.status).toBe(415);
    expect((await tenant.admin({ method: 'GET', url: '/v1/api-keys?limit=500' })).body.data.length).toBe(before);
    const approvalPageJson = await t.request({ method: 'POST', url: '/approvals/some-token', body: { decision: 'approve' } });
    expect(approvalPageJson.status).toBe(415);
  });

  it('a request context over 16 KB is 400 naming context, and one under it is decided', async () => {
    const big = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const triple = { principal: user('alice'), action: action('ssh'), resource: host('h') };
    for (const url of ['/v1/grants', '/v1/policies/simulate']) {
      const refused = await tenant.admin({ method: 'POST', url, body: { ...triple, context: big } });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.body.details.fields)).toEqual(['context']);
    }
    const small = await tenant.admin({ method: 'POST', url: '/v1/policies/simulate', body: { ...triple, context: { ticket: 'INC-42' } } });
    expect(small.status).toBe(200);
    expect((await tenant.admin({ method: 'GET', url: '/v1/grants' })).body.data).toEqual([]);
  });

  it('an empty JSON body counts as no body', async () => {
    const response = await tenant.admin({ method: 'POST', url: '/v1/grants/00000000-0000-4000-8000-000000000000/cancel', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(response.status).toBe(404);
  });

  it('a long path is 414 and a 20 KB header 431, both in the error shape and echoing nothing', async () => {
    const long = await tenant.admin({ method: 'DELETE', url: `/v1/entities/User/${'a'.repeat(5000)}` });
    expect(long.status).toBe(414);
    expect(long.body).toEqual({ code: 'invalid_input', message: 'The URL is too long' });
    const entityId = await tenant.admin({ method: 'DELETE', url: `/v1/entities/User/${'a'.repeat(1000)}` });
    expect(entityId.status).toBe(404);

    const { port } = new URL(await baseUrl(t.app));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health/live', headers: { 'x-big': 'a'.repeat(20_000) } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ ...shape, code: 'invalid_input' });
  });

  it('null for an optional field of a grant request is 400 naming the field, not 500 or a Cedar error', async () => {
    const triple = { principal: user('alice'), action: action('ssh'), resource: host('h') };
    const cases = [
      ...['principal', 'duration_seconds', 'requester_email', 'context', 'justification'].map((field) => ({ url: '/v1/grants', body: { ...triple, duration_seconds: 60 }, field })),
      ...['duration_seconds', 'context', 'justification'].map((field) => ({ url: '/v1/policies/simulate', body: triple, field })),
      ...['context'].map((field) => ({ url: '/v1/access/check', body: triple, field })),
    ];
    for (const { url, body, field } of cases) {
      const response = await tenant.admin({ method: 'POST', url, body: { ...body, [field]: null } });
      expect([url, field, response.status]).toEqual([url, field, 400]);
      expect(response.body).toMatchObject({ code: 'invalid_input', details: { fields: { [field]: expect.any(Array) } } });
    }
  });
});
