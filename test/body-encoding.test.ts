import { baseUrl } from './support/app';
import { rawRequest } from './support/raw-http';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';
import { useTestApp } from './support/use-test-app';

/** PRODUCT.md: bad input is a 4xx with the error shape; bodies are UTF-8 and are never decoded as anything else. */
describe('body encoding', () => {
  const t = useTestApp({ REQUEST_TIMEOUT_MS: '1000' });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'jürg', 'ssh');
  });

  const head = (url: string, type: string, length: number, key: string) =>
    `POST ${url} HTTP/1.1\r\nHost: test\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nX-API-Key: ${key}\r\nX-Tenant-ID: ${tenant.id}\r\nConnection: close\r\n\r\n`;
  const send = async (url: string, type: string, body: Buffer, key = tenant.keys.admin) => rawRequest(await baseUrl(t.app), head(url, type, body.length, key), body);
  /** A triple whose principal id is `id` as the given bytes (`j\xf6rg` is "jörg" in Latin-1, invalid as UTF-8). */
  const triple = (id: Buffer, extra = '') =>
    Buffer.concat([Buffer.from('{"principal":{"type":"User","id":"'), id, Buffer.from(`"},"action":{"type":"Action","id":"ssh"},"resource":{"type":"Host","id":"enc"}${extra}}`)]);
  const grants = async () => (await tenant.admin({ method: 'GET', url: '/v1/grants' })).body as unknown;

  it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD, so "jörg" in Latin-1 never matches a grant of "jürg"', async () => {
    const granted = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('jürg'), action: action('ssh'), resource: host('enc') } });
    expect(granted.body.status).toBe('active');
    const valid = await send('/v1/access/check', 'application/json', triple(Buffer.from('jürg', 'utf8')));
    expect(JSON.parse(valid.body)).toMatchObject({ allowed: true });
    for (const latin1 of ['j\xf6rg', 'j\xfcrg', 'j\xe4rg', '\xff']) {
      for (const url of ['/v1/access/check', '/v1/access/check?via=fastify']) {
        const answer = await send(url, 'application/json', triple(Buffer.from(latin1, 'latin1')));
        expect({ latin1, url, status: answer.status }).toEqual({ latin1, url, status: 400 });
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'invalid_input', message: 'The body is not valid UTF-8', details: { fields: { body: ['must be valid UTF-8'] } } });
      }
    }
  });

  it('writes nothing for a grant request that is not UTF-8 (the route behind Fastify)', async () => {
    const before = await grants();
    const answer = await send('/v1/grants', 'application/json', triple(Buffer.from('j\xfcrg', 'latin1'), ',"duration_seconds":300'));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'invalid_input' });
    expect(await grants()).toEqual(before);
  });

  it('refuses YAML bundles that are not UTF-8', async () => {
    const answer = await send('/v1/policy-bundles/plan', 'application/yaml', Buffer.from('policies:\n  - name: j\xfcrg\n', 'latin1'));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'invalid_input', message: 'The body is not valid UTF-8' });
  });

  it('refuses a charset other than UTF-8 with 415, on both paths, and takes utf-8 however it is spelled', async () => {
    const body = triple(Buffer.from('jürg', 'utf8'));
    for (const charset of ['iso-8859-1', 'latin1', 'utf-16', '"windows-1252"']) {
      for (const url of ['/v1/access/check', '/v1/grants']) {
        const answer = await send(url, `application/json; charset=${charset}`, body);
        expect({ charset, url, status: answer.status }).toEqual({ charset, url, status: 415 });
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'unsupported_media_type', details: { expected: 'charset=utf-8' } });
      }
    }
    for (const charset of ['utf-8', 'UTF-8', 'utf8', '"utf-8"']) {
      const answer = await send('/v1/access/check', `application/json; charset=${charset}`, body);
      expect({ charset, status: answer.status }).toEqual({ charset, status: 200 });
    }
  });

  it('answers 408 in the error shape and closes the connection when a body never finishes (REQUEST_TIMEOUT_MS)', async () => {
    for (const url of ['/v1/access/check', '/v1/grants']) {
      const partial = Buffer.from('{"principal":');
      const answer = await rawRequest(await baseUrl(t.app), head(url, 'application/json', 200, tenant.keys.admin), partial);
      expect({ url, status: answer.status }).toEqual({ url, status: 408 });
      expect(JSON.parse(answer.body)).toEqual({ code: 'invalid_input', message: 'The request took too long to arrive' });
      expect(answer.closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(answer.closedAfterMs).toBeLessThan(5000);
    }
  });
});
