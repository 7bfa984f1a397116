import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { WorkerHost } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Lifecycle } from './lifecycle';

/** Only these: trapping SIGSEGV, SIGABRT and the like turns a V8 fatal error into a process that hangs forever. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Extra time after the grace period for closing queues, Redis and the pool before the process exits anyway. */
const CLOSE_MARGIN_MS = 10_000;

async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a kept-alive connection may stay idle during a drain before it is closed. */
const IDLE_CLOSE_DELAY_MS = 1000;

/**
 * Stops accepting connections and waits (at most `graceMs`) for the in-flight requests; then closes what is left.
 * Node's `http.Server.close` would also drop idle kept-alive connections at once, which resets a request a client
 * is sending on one at that moment; so the listener is closed first (net.Server's close), every answer meanwhile
 * says `Connection: close` (see `installGracefulShutdown`), and idle connections are dropped only after a second.
 */
async function drainHttp(server: Server, graceMs: number): Promise<boolean> {
  if (!server.listening) return true;
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  let sweep: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => (sweep = setInterval(() => server.closeIdleConnections(), 50)), IDLE_CLOSE_DELAY_MS);
  const drained = await within(closed, graceMs);
  clearTimeout(delay);
  clearInterval(sweep);
  if (!drained) server.closeAllConnections();
  return drained;
}

/**
 * Graceful stop on SIGTERM or SIGINT: readiness turns 503, the listener stops accepting, in-flight requests finish,
 * workers finish their active jobs and take no new ones (waiting jobs stay in Redis for the next worker), all within
 * `graceMs`; then Nest closes queues, Redis and the database pool, and the process exits 0 (1 if the grace ran out).
 * A second signal exits at once. Call before `listen` or `init`.
 */
export function installGracefulShutdown(app: INestApplication, graceMs: number, log: FastifyBaseLogger): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      log.warn({ signal }, 'second shutdown signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const started = Date.now();
    app.get(Lifecycle).draining = true;
    log.info({ signal, grace_ms: graceMs }, 'shutting down: finishing in-flight requests and jobs');
    setTimeout(() => {
      log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, graceMs + CLOSE_MARGIN_MS).unref();
    try {
      const httpDrained = await drainHttp(app.getHttpServer() as Server, graceMs);
      const workers = app
        .get(DiscoveryService)
        .getProviders()
        .map((wrapper) => wrapper.instance as unknown)
        .filter((instance): instance is WorkerHost => instance instanceof WorkerHost);
      const left = Math.max(0, graceMs - (Date.now() - started));
      const jobsDrained = await within(Promise.all(workers.map((host) => host.worker.close())), left);
      if (!jobsDrained) await Promise.all(workers.map((host) => host.worker.close(true)));
      await app.close();
      const clean = httpDrained && jobsDrained;
      log.info({ duration_ms: Date.now() - started, http_drained: httpDrained, jobs_drained: jobsDrained }, 'shut down');
      process.exit(clean ? 0 : 1);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  // Registered now (Fastify takes no hooks once listening); from the signal on, every answer closes its connection.
  (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) void reply.header('connection', 'close');
    done(null, payload);
  });
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => void stop(signal));
}
