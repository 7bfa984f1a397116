import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { createApp } from '../../src/app.factory';
import { HotRoutes } from '../../src/common/http/hot-routes';
import { AppConfig, loadConfig } from '../../src/config/config';
import { createTestDatabase, dbUrl, dropTestDatabase } from './db';

export const OPERATOR_KEY = 'operator-key-for-tests-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  request: (options: RequestOptions) => Promise<TestResponse>;
  close: () => Promise<void>;
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  payload?: string;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  // Response bodies are whatever JSON the route returned; tests assert on their fields.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Deletes every Redis key under `prefix:` (queues, pub/sub state, rate limits) on the Redis of `url`. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const listening = new WeakMap<NestFastifyApplication, Promise<string>>();

/** The application listening on a free port of 127.0.0.1 (once per app); its base URL. */
export function baseUrl(app: NestFastifyApplication): Promise<string> {
  let base = listening.get(app);
  if (!base) {
    base = (async () => {
      const server = app.getHttpServer();
      if (!server.listening) await app.listen(0, '127.0.0.1');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    })();
    listening.set(app, base);
  }
  return base;
}

export interface SocketAnswer {
  statusCode: number;
  headers: TestResponse['headers'];
  body: string;
}

/**
 * One request over a real socket, as a client sends it: headers as given (Node adds Content-Length for a string body),
 * a string[] payload written chunk by chunk (`Transfer-Encoding: chunked`).
 */
export async function sendOverSocket(app: NestFastifyApplication, method: string, url: string, headers: Record<string, string>, payload?: string | Buffer | string[]): Promise<SocketAnswer> {
  const base = await baseUrl(app);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${base}${url}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    if (Array.isArray(payload)) {
      for (const chunk of payload) outgoing.write(chunk);
      outgoing.end();
    } else outgoing.end(payload);
  });
}

/**
 * Boots the real application against its own PostgreSQL database and its own Redis key prefix, so test files
 * run in parallel without seeing each other. `env` overrides configuration variables; an app given another app's
 * DATABASE_URL and REDIS_PREFIX (a second process) shares them, and `close()` removes only what this app created.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = env.DATABASE_URL === undefined ? await createTestDatabase() : null;
  const ownPrefix = env.REDIS_PREFIX === undefined ? `jit-test-${randomBytes(4).toString('hex')}` : null;
  const config = loadConfig({
    DATABASE_URL: database ? dbUrl(database) : env.DATABASE_URL,
    REDIS_PREFIX: ownPrefix ?? env.REDIS_PREFIX,
    ADMIN_API_KEY: OPERATOR_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SWEEP_INTERVAL_SECONDS: '1',
    // Test receivers listen on 127.0.0.1; the refusal itself is tested in webhook-sender.test.ts.
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...env,
  });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const hotPaths = app.get(HotRoutes).pathsBelowFastify();
  const request = async (options: RequestOptions): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let payload = options.payload;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    // Hot routes are served below Fastify for real connections only, so their requests go over a socket.
    const response = hotPaths.includes(options.url)
      ? await sendOverSocket(app, options.method, options.url, headers, payload)
      : await app.inject({ method: options.method, url: options.url, headers, payload });
    let body: unknown;
    try {
      body = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text: response.body, body };
  };
  return {
    app,
    config,
    request,
    close: async () => {
      await app.close();
      if (ownPrefix) await deleteRedisKeys(config.redisUrl, ownPrefix);
      if (database) await dropTestDatabase(database);
    },
  };
}
