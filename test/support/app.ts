import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
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

/**
 * Boots the real application against its own PostgreSQL database and its own Redis key prefix, so test files
 * run in parallel without seeing each other. `env` overrides configuration variables.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: dbUrl(database),
    REDIS_PREFIX: `jit-test-${randomBytes(4).toString('hex')}`,
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
  const request = async (options: RequestOptions): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let payload = options.payload;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app.inject({ method: options.method, url: options.url, headers, payload });
    let body: unknown = undefined;
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
      await dropTestDatabase(database);
    },
  };
}
