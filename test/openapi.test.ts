import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, dbUrl, dropTestDatabase } from './support/db';

// The Swagger plugin runs in `nest build`, not under Jest: the built application is the one whose document counts.
const DIST = join(__dirname, '..', 'dist');

describe('OpenAPI document of the built application', () => {
  it('describes request bodies from the DTOs', async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { createApp } = require(join(DIST, 'app.factory.js')) as { createApp: (c: unknown) => Promise<NestFastifyApplication> };
    const { loadConfig } = require(join(DIST, 'config', 'config.js')) as { loadConfig: (e: object) => unknown };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const database = await createTestDatabase();
    const app = await createApp(loadConfig({ DATABASE_URL: dbUrl(database), LOG_LEVEL: 'silent', REDIS_PREFIX: 'jit-openapi' }));
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const response = await app.inject({ method: 'GET', url: '/openapi.json' });
      const spec = JSON.parse(response.body);
      const role = spec.components.schemas.CreateApiKeyDto.properties.role;
      expect(role.enum).toEqual(['admin', 'requester', 'approver', 'auditor']);
      expect(spec.components.schemas.CreateApiKeyDto.required).toEqual(expect.arrayContaining(['name', 'role']));
    } finally {
      await app.close();
      await dropTestDatabase(database);
    }
  });
});
