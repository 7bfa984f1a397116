import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@/config/config';
import { ensureDatabase, migrate } from '@/infra/prisma/migrator';
import { TenantsService } from '@/modules/tenants/tenants.service';
import { CliModule } from '@/cli.module';

/** Creates the database if missing and applies migrations; the names of those applied. */
export async function migrateOffline(): Promise<string[]> {
  const config = loadConfig(process.env);
  await ensureDatabase(config.databaseUrl);
  return migrate(config.databaseUrl);
}

/** A tenant and its first admin key, written to the database directly (no service needed). */
export async function createTenantOffline(name: string): Promise<{ tenant: { id: string; name: string; created_at: string }; key: string }> {
  const config = loadConfig(process.env);
  await ensureDatabase(config.databaseUrl);
  await migrate(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  try {
    const { tenant, key } = await app.get(TenantsService).createWithAdminKey(name);
    return { tenant, key: key.key };
  } finally {
    await app.close();
  }
}
