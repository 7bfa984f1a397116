import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createRootLogger, NO_REQUEST_LOG, RequestLogController, skipChildLoggers } from './logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

function build(stream: Writable) {
  const app = Fastify({ loggerInstance: createRootLogger('info', stream) as FastifyBaseLogger, logController: new RequestLogController(), genReqId: () => 'req-1' });
  skipChildLoggers(app);
  app.post('/v1/access/check', { config: NO_REQUEST_LOG }, async (request) => ({ allowed: false, ownLogger: request.log !== app.log }));
  app.get('/logger', async (request) => ({ ownLogger: request.log !== app.log }));
  app.get('/approvals/:token', async () => 'page');
  app.post('/echo', async (request) => ({ echoed: request.body }));
  app.get('/boom', async () => {
    throw new Error('broken');
  });
  return app;
}

describe('request logging', () => {
  let app: ReturnType<typeof build>;
  let output: ReturnType<typeof capture>;

  beforeEach(async () => {
    output = capture();
    app = build(output.stream);
    await app.ready();
  });

  afterEach(() => app.close());

  it('writes one line per request with the request id, method, URL, status and time', async () => {
    await app.inject({ method: 'POST', url: '/echo', payload: { password: 'hunter2' }, headers: { 'x-api-key': 'jit_secret' } });
    const [line, ...rest] = output.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 30, request_id: 'req-1', req: { method: 'POST', url: '/echo' }, res: { status: 200 }, msg: 'request completed' });
    expect(typeof line.response_time_ms).toBe('number');
    expect(JSON.stringify(line)).not.toMatch(/hunter2|jit_secret/);
  });

  it('writes nothing for a route marked NO_REQUEST_LOG, and builds it no child logger', async () => {
    const check = await app.inject({ method: 'POST', url: '/v1/access/check', payload: {} });
    expect(output.lines()).toEqual([]);
    expect(check.json()).toEqual({ allowed: false, ownLogger: false });
    expect((await app.inject({ method: 'GET', url: '/logger' })).json()).toEqual({ ownLogger: true });
  });

  it('hides approval tokens in URLs', async () => {
    await app.inject({ method: 'GET', url: '/approvals/tok_abcdef?x=1' });
    expect(output.lines()[0].req).toEqual({ method: 'GET', url: '/approvals/[token]?x=1' });
  });

  it('logs a failed request at error level with the error', async () => {
    await app.inject({ method: 'GET', url: '/boom' });
    const line = output.lines().find((entry) => entry.msg === 'request completed');
    expect(line).toMatchObject({ level: 50, res: { status: 500 } });
  });
});
