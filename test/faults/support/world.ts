import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * A private world for fault tests: its own PostgreSQL cluster (initdb on a free port, as the unprivileged user
 * `pgtest`, created when missing), its own redis-server, and the service as separate processes. The machine's
 * shared PostgreSQL and Redis are never touched.
 */

const ROOT = resolve(__dirname, '../../..');
const PG_USER = 'pgtest';
export const OPERATOR_KEY = 'operator-key-for-fault-tests-0123456789';

/** A child killed by a signal keeps `exitCode` null: look at both. */
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function pgBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin/${name}`;
}

function asPgUser(args: string[]): string {
  return execFileSync('runuser', ['-u', PG_USER, '--', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ensurePgUser(): void {
  try {
    execFileSync('id', [PG_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', PG_USER], { stdio: 'ignore' });
  }
}

export interface Postgres {
  url: (database: string) => string;
  stop: () => void;
  start: () => void;
  query: <T extends object>(sql: string, params?: unknown[]) => Promise<T[]>;
  destroy: () => void;
}

export async function startPostgres(dir: string): Promise<Postgres> {
  ensurePgUser();
  const data = join(dir, 'pg');
  mkdirSync(data);
  const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  chownSync(data, uid, gid);
  const port = await freePort();
  asPgUser([pgBin('initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const ctl = (action: string, extra: string[] = []) =>
    asPgUser([pgBin('pg_ctl'), '-D', data, '-l', join(dir, 'pg.log'), '-w', '-t', '60', ...extra, action]);
  const start = () => ctl('start', ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`]);
  start();
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    start,
    stop: () => ctl('stop', ['-m', 'fast']),
    query: async <T extends object>(sql: string, params: unknown[] = []) => {
      const client = new Client({ connectionString: url('jit') });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    destroy: () => {
      try {
        ctl('stop', ['-m', 'immediate']);
      } catch {
        // already stopped
      }
    },
  };
}

export interface RedisServer {
  url: string;
  port: number;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  flushall: () => void;
}

export async function startRedis(dir: string, port?: number): Promise<RedisServer> {
  const redisPort = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(redisPort), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const server: RedisServer = {
    url: `redis://127.0.0.1:${redisPort}`,
    port: redisPort,
    start: async () => {
      child = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
      await until(async () => cli('ping').trim(), (pong) => pong === 'PONG', 10_000, 'redis-server');
    },
    stop: async () => {
      if (!child || !running(child)) return;
      const exited = new Promise((done) => child?.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    },
    flushall: () => {
      cli('flushall');
    },
  };
  return server;
}

export interface Service {
  port: number;
  process: ChildProcess;
  exited: Promise<number | null>;
  log: () => string;
  lines: () => Record<string, unknown>[];
  signal: (name: NodeJS.Signals) => void;
}

/** `node dist/main.js` with this world's configuration; resolves once it answers (or, for a worker, has started). */
export async function startService(dir: string, env: Record<string, string>, name: string): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ADMIN_API_KEY: OPERATOR_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    appendFileSync(join(dir, `${name}.log`), chunk);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const service: Service = {
    port,
    process: child,
    exited,
    log: () => output,
    lines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    signal: (signal) => child.kill(signal),
  };
  const worker = env.PROCESS_ROLE === 'worker';
  startedServices.push(service);
  await until(
    async () => (worker ? output.includes('Nest application successfully started') : (await fetch(`http://127.0.0.1:${port}/health/live`)).status === 200),
    Boolean,
    60_000,
    `${name} to start:\n${output.slice(-2000)}`,
  );
  return service;
}

/** Every service process started, so that a failed start is still killed when the world closes. */
const startedServices: Service[] = [];

export interface World {
  dir: string;
  pg: Postgres;
  redis: RedisServer;
  databaseUrl: string;
  env: (extra?: Record<string, string>) => Record<string, string>;
  services: Service[];
  start: (name: string, extra?: Record<string, string>) => Promise<Service>;
  close: () => Promise<void>;
}

export async function createWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-fault-'));
  const pg = await startPostgres(dir);
  const redis = await startRedis(dir);
  await redis.start();
  const databaseUrl = pg.url('jit');
  const services: Service[] = [];
  const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, REDIS_PREFIX: 'fault', ...extra });
  return {
    dir,
    pg,
    redis,
    databaseUrl,
    env,
    services,
    start: async (name, extra = {}) => {
      const service = await startService(dir, env(extra), name);
      services.push(service);
      return service;
    },
    close: async () => {
      const all = [...new Set([...services, ...startedServices])];
      for (const service of all) if (running(service.process)) service.signal('SIGKILL');
      await Promise.all(all.map((s) => s.exited));
      startedServices.length = 0;
      await redis.stop();
      pg.destroy();
      if (!process.env.KEEP_FAULT_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls the service over HTTP; network failures come back as `{status: 0, error}`. */
export async function call(
  service: { port: number },
  method: string,
  path: string,
  options: { key?: string; tenant?: string; body?: unknown; timeoutMs?: number } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of every route, asserted field by field by the caller
): Promise<{ status: number; body: any; error?: string; ms: number }> {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (options.key) headers['x-api-key'] = options.key;
  if (options.tenant) headers['x-tenant-id'] = options.tenant;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`http://127.0.0.1:${service.port}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body, ms: Date.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, body: null, error: cause?.code ?? (error as Error).name, ms: Date.now() - started };
  }
}

export interface Tenant {
  id: string;
  admin: string;
  requester: string;
}

/** A tenant with an admin and a requester key, through the operator API. */
export async function createTenant(service: { port: number }): Promise<Tenant> {
  const tenant = await call(service, 'POST', '/v1/tenants', { key: OPERATOR_KEY, body: { name: 'fault' } });
  if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const key = async (role: string) => {
    const created = await call(service, 'POST', `/v1/tenants/${tenant.body.id}/api-keys`, { key: OPERATOR_KEY, body: { name: role, role } });
    return created.body.key as string;
  };
  return { id: tenant.body.id, admin: await key('admin'), requester: await key('requester') };
}

/** Runs `jobs` with at most `width` at a time. */
export async function inBatches<T>(count: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export const uid = (type: string, id: string) => ({ type, id });

/** A policy permitting `action` to anyone on anything, with `settings` (approval, durations). */
export async function permitPolicy(service: { port: number }, tenant: Tenant, action: string, settings: Record<string, unknown> = {}): Promise<void> {
  const created = await call(service, 'POST', '/v1/policies', {
    key: tenant.admin,
    tenant: tenant.id,
    body: {
      name: `${action} policy`,
      priority: 1,
      max_duration_seconds: 3600,
      ...settings,
      rules: [{ effect: 'permit', principal_scope_type: 'any', action_scope_type: 'eq', action_ids: [action], resource_scope_type: 'any' }],
    },
  });
  if (created.status !== 201) throw new Error(`policy: ${created.status} ${JSON.stringify(created.body)}`);
}

/**
 * Setting up a scenario on a loaded machine: a `503 unavailable` (the pool was busy) is what a client retries, so
 * setup retries it a few times; the scenarios themselves look at every answer.
 */
export async function retrying<T extends { status: number }>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  let result = await attempt();
  for (let i = 1; i < attempts && result.status === 503; i += 1) {
    await sleep(500 * i);
    result = await attempt();
  }
  return result;
}

/** `POST /v1/grants` for User::<principal> doing `action` on Host::h. */
export const requestGrant = (service: { port: number }, tenant: Tenant, principal: string, action: string, extra: Record<string, unknown> = {}) =>
  call(service, 'POST', '/v1/grants', {
    key: tenant.requester,
    tenant: tenant.id,
    body: { principal: uid('User', principal), action: uid('Action', action), resource: uid('Host', 'h'), ...extra },
  });
