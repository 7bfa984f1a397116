import 'reflect-metadata';
import { ConfigError, loadConfig } from '@/config/config';
import { ensureDatabase, migrate } from '@/infra/prisma/migrator';
import { installGracefulShutdown } from '@/infra/lifecycle/graceful-shutdown';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await ensureDatabase(config.databaseUrl);
  await migrate(config.databaseUrl);
  // Loaded only once the configuration holds, so a bad variable is reported at once, before the framework loads.
  const { createApp } = await import('./app.factory');
  const app = await createApp(config);
  installGracefulShutdown(app, config.shutdownGraceMs, app.getHttpAdapter().getInstance().log);
  if (config.processRole === 'worker') {
    await app.init();
    return;
  }
  await app.listen({ port: config.port, host: process.env.HOST ?? '0.0.0.0' });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
