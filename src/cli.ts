import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@/config/config';
import { ensureDatabase, migrate } from '@/infra/prisma/migrator';
import { TenantsService } from '@/modules/tenants/tenants.service';
import { CliModule } from './cli.module';

const USAGE = `Usage:
  npm run cli -- migrate                      create the database if missing and apply migrations
  npm run cli -- tenant create --name NAME    create a tenant and print its id and first admin key`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function run(args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  const [command, sub] = args;
  if (command === 'migrate') {
    await ensureDatabase(config.databaseUrl);
    const applied = await migrate(config.databaseUrl);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  }
  if (command === 'tenant' && sub === 'create') {
    const name = option(args, '--name');
    if (!name || name.trim() === '') {
      process.stderr.write(`--name is required\n${USAGE}\n`);
      return 2;
    }
    await ensureDatabase(config.databaseUrl);
    await migrate(config.databaseUrl);
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
    try {
      const { tenant, key } = await app.get(TenantsService).createWithAdminKey(name.trim());
      process.stdout.write(`tenant_id: ${tenant.id}\nadmin_api_key: ${key.key}\n`);
      process.stdout.write('Store the key now: it is not shown again.\n');
    } finally {
      await app.close();
    }
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
