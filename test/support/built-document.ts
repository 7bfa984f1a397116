import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { deleteRedisKeys } from './app';
import { createTestDatabase, dbUrl, dropTestDatabase } from './db';

/** The parts of an OpenAPI 3.0 document the tests read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string; type?: string } }> }>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/**
 * `/openapi.json` of the built application (dist/, run `npm run build` first): the swagger plugin runs in the build,
 * not under Jest, so only the built application has the response schemas. Boots it on its own database and Redis
 * prefix and removes both.
 */
export async function fetchBuiltDocument(): Promise<OpenApiDocument> {
  const dist = join(__dirname, '..', '..', 'dist');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createApp } = require(join(dist, 'app.factory.js')) as { createApp: (c: unknown) => Promise<NestFastifyApplication> };
  const { loadConfig } = require(join(dist, 'config', 'config.js')) as { loadConfig: (e: object) => { redisUrl: string } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const database = await createTestDatabase();
  const prefix = `jit-test-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ DATABASE_URL: dbUrl(database), LOG_LEVEL: 'silent', REDIS_PREFIX: prefix });
  const app = await createApp(config);
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
    return JSON.parse(response.body) as OpenApiDocument;
  } finally {
    await app.close();
    await deleteRedisKeys(config.redisUrl, prefix);
    await dropTestDatabase(database);
  }
}

/** Every operation of the document with its path and method. */
export function operationsOf(document: OpenApiDocument): { path: string; method: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] as OpenApiOperation })),
  );
}
