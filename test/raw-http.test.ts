import { baseUrl } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { rawRequest } from './support/raw-http';
import { useTestApp } from './support/use-test-app';

/** Requests Node's HTTP server would answer itself (bare, or by dropping the connection) get the error shape too. */
describe('requests Node would answer itself', () => {
  const t = useTestApp();
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  const send = async (head: string, body = '') => rawRequest(await baseUrl(t.app), head, Buffer.from(body));
  const check = JSON.stringify({ principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'b' }, resource: { type: 'Host', id: 'c' } });
  const keyHeaders = () => `X-API-Key: ${tenant.keys.auditor}\r\nX-Tenant-ID: ${tenant.id}\r\n`;

  it('refuses an HTTP/1.1 request without Host with 400 in the error shape, on the hot route and the others', async () => {
    for (const head of [
      `POST /v1/access/check HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${check.length}\r\n${keyHeaders()}Connection: close\r\n\r\n`,
      `GET /v1/grants HTTP/1.1\r\n${keyHeaders()}Connection: close\r\n\r\n`,
    ]) {
      const answer = await send(head, head.startsWith('POST') ? check : '');
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ code: 'invalid_input', message: 'Exactly one Host header is required' });
    }
    const twice = await send(`GET /v1/grants HTTP/1.1\r\nHost: a\r\nHost: b\r\n${keyHeaders()}Connection: close\r\n\r\n`);
    expect(twice.status).toBe(400);
    // HTTP/1.0 has no Host requirement.
    const old = await send(`POST /v1/access/check HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${check.length}\r\n${keyHeaders()}\r\n`, check);
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toMatchObject({ allowed: false });
  });

  it('answers an unsupported Expect with 417 and CONNECT with 404, in the error shape, and closes', async () => {
    const expectation = await send(`POST /v1/access/check HTTP/1.1\r\nHost: test\r\nExpect: something-else\r\nContent-Type: application/json\r\nContent-Length: ${check.length}\r\n${keyHeaders()}\r\n`, check);
    expect(expectation.status).toBe(417);
    expect(expectation.headers).toMatch(/connection: close/i);
    expect(JSON.parse(expectation.body)).toEqual({ code: 'invalid_input', message: 'Only "Expect: 100-continue" is supported' });
    const tunnel = await send('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(tunnel.status).toBe(404);
    expect(JSON.parse(tunnel.body)).toEqual({ code: 'not_found', message: 'Route not found' });
  });

  it('answers pipelined requests in order: a bad Expect after another request comes after its answer, a CONNECT never before one', async () => {
    const live = 'GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n';
    const both = await send(`${live}GET /health/live HTTP/1.1\r\nHost: test\r\nExpect: something-else\r\n\r\n`);
    const statuses = [...both.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
    expect(statuses).toEqual([200, 417]);
    const tunnel = await send(`${live}CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    expect(tunnel.text.startsWith('HTTP/1.1 404')).toBe(false);
  });
});
