import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryRepository } from '../src/modules/notifications/delivery.repository';
import { DeliveryService } from '../src/modules/notifications/delivery.service';
import { HttpSendError, postJson, postSignedWebhook } from '../src/modules/notifications/http-sender';
import { verifyWebhook } from '../src/modules/notifications/webhook-signature';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';

const SECRET = 'receiver-shared-secret-0123456789abcdef';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: ReturnType<typeof verifyWebhook>;
}

/** A webhook receiver on 127.0.0.1 that verifies every signature; `respond` decides each answer. */
class Receiver {
  readonly hits: Hit[] = [];
  private readonly pending = new Set<Promise<void>>();
  respond: (hit: Hit) => Promise<{ status: number; headers?: Record<string, string> }> = async () => ({ status: 204 });
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const hit = { path: req.url ?? '', headers: req.headers, body, verified: verifyWebhook(SECRET, body, req.headers) };
        this.hits.push(hit);
        const answered = this.respond(hit).then(({ status, headers }) => {
          if (!res.destroyed) res.writeHead(status, headers).end('ignored body');
        });
        this.pending.add(answered);
        void answered.finally(() => this.pending.delete(answered));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until every request has been answered (or dropped), so no handler outlives its test. */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhook sending', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp();
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.hits.length = 0;
    receiver.respond = async () => ({ status: 204 });
  });
  afterEach(() => receiver.idle());

  /** The receiver is on loopback, which channels may reach only when the deployment allows private addresses. */
  const local = (timeoutMs: number) => ({ timeoutMs, allowPrivateAddresses: true });

  it('refuses private, loopback and link-local receivers unless allowed, without connecting', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/hook',
      'http://[::1]/hook',
    ]) {
      await expect(postJson(url, {}, { timeoutMs: 2000 })).rejects.toThrow(/refused: .*private address/);
    }
    expect(receiver.hits).toEqual([]);
  });

  it('delivers the body byte for byte with signatures the receiver verifies', async () => {
    const body = JSON.stringify({ type: 'grant.activated', data: { id: 'g-1', note: 'ünïcode & <tags>' } });
    await postSignedWebhook(`${receiver.url}/hooks/jit`, SECRET, body, local(t.config.webhookTimeoutMs));
    expect(receiver.hits).toHaveLength(1);
    const [hit] = receiver.hits;
    expect(hit.body).toBe(body);
    expect(hit.path).toBe('/hooks/jit');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.verified).toEqual({ valid: true, timestamp: Number(hit.headers['x-timestamp']) });
    expect(verifyWebhook('another-secret-that-is-long-enough-000', hit.body, hit.headers).valid).toBe(false);
  });

  it('throws on a non-2xx answer, a redirect and a timeout, naming only the host', async () => {
    const secretPath = '/services/T000/B000/very-secret-token';
    receiver.respond = async () => ({ status: 500 });
    const failed = postJson(`${receiver.url}${secretPath}`, { text: 'hi' }, local(5000));
    await expect(failed).rejects.toBeInstanceOf(HttpSendError);
    await expect(failed).rejects.toMatchObject({ status: 500, message: expect.not.stringContaining('very-secret-token') });

    receiver.respond = async () => ({ status: 302, headers: { location: `${receiver.url}/elsewhere` } });
    await expect(postJson(`${receiver.url}/hook`, {}, local(5000))).rejects.toMatchObject({ status: 302 });
    expect(receiver.hits.map((h) => h.path)).toEqual([secretPath, '/hook']);

    receiver.respond = async () => {
      await sleep(1000);
      return { status: 200 };
    };
    await expect(postJson(`${receiver.url}${secretPath}`, {}, local(100))).rejects.toThrow(/timed out/);
    await receiver.idle();

    const unreachable = postJson('http://127.0.0.1:1/x', {}, local(2000));
    await expect(unreachable).rejects.toBeInstanceOf(HttpSendError);
  });

  const signedSend = (body: string) => () => postSignedWebhook(`${receiver.url}/hook`, SECRET, body, local(t.config.webhookTimeoutMs));

  it('deliverOnce sends once however often it is called', async () => {
    const service = t.app.get(DeliveryService);
    const id = `grant:${tenant.id}:event:grant.activated:channel:sequential`;
    expect(await service.deliverOnce(tenant.id, id, 'webhook', signedSend('{"n":1}'))).toBe('sent');
    expect(await service.deliverOnce(tenant.id, id, 'webhook', signedSend('{"n":1}'))).toBe('already_sent');
    expect(receiver.hits).toHaveLength(1);
    expect(receiver.hits[0].verified.valid).toBe(true);
    expect(await t.app.get(DeliveryRepository).find(tenant.id, id)).toMatchObject({
      kind: 'webhook',
      status: 'sent',
      attempts: 1,
      sentAt: expect.any(Date),
    });
  });

  it('deliverOnce called concurrently sends once', async () => {
    const service = t.app.get(DeliveryService);
    const id = `grant:${tenant.id}:event:grant.revoked:channel:concurrent`;
    receiver.respond = async () => {
      await sleep(300);
      return { status: 200 };
    };
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => service.deliverOnce(tenant.id, id, 'webhook', signedSend('{"n":2}'))),
    );
    expect(receiver.hits).toHaveLength(1);
    expect(outcomes.sort()).toEqual(['already_sent', 'already_sent', 'already_sent', 'sent']);
  });

  it('deliverOnce records a failure, rethrows it, and sends on the retry', async () => {
    const service = t.app.get(DeliveryService);
    const repo = t.app.get(DeliveryRepository);
    const id = `grant:${tenant.id}:event:grant.expired:channel:flaky`;
    receiver.respond = async () => ({ status: 503 });
    await expect(service.deliverOnce(tenant.id, id, 'webhook', signedSend('{"n":3}'))).rejects.toBeInstanceOf(HttpSendError);
    expect(await repo.find(tenant.id, id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('503') });

    receiver.respond = async () => ({ status: 200 });
    expect(await service.deliverOnce(tenant.id, id, 'webhook', signedSend('{"n":3}'))).toBe('sent');
    expect(await repo.find(tenant.id, id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(receiver.hits).toHaveLength(2);
  });

  it('deliverOnce refuses an id that belongs to another tenant', async () => {
    const service = t.app.get(DeliveryService);
    const id = `grant:${tenant.id}:event:grant.requested:channel:owned`;
    await service.deliverOnce(tenant.id, id, 'webhook', signedSend('{}'));
    const other = await createTenant(t, 'other');
    const send = jest.fn(async () => undefined);
    await expect(service.deliverOnce(other.id, id, 'webhook', send)).rejects.toThrow('another tenant');
    expect(send).not.toHaveBeenCalled();
  });
});
