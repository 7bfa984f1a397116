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
      expect(role.enum).toEqual(['admin', 'requester', 'approver', 'auditor', 'checker']);
      expect(spec.components.schemas.CreateApiKeyDto.required).toEqual(expect.arrayContaining(['name', 'role']));
      for (const name of ['CreateGrantDto', 'SimulateDto', 'CheckAccessDto']) {
        expect(spec.components.schemas[name].required).toEqual(expect.arrayContaining(['principal', 'action', 'resource']));
        expect(spec.components.schemas[name].properties.principal.$ref).toBe('#/components/schemas/EntityUidDto');
      }
      expect(spec.components.schemas.UpdatePolicyDto.required ?? []).toEqual([]);
      expect(Object.keys(spec.components.schemas.UpdatePolicyDto.properties)).toEqual(Object.keys(spec.components.schemas.CreatePolicyDto.properties));
    } finally {
      await app.close();
      await dropTestDatabase(database);
    }
  });
});
