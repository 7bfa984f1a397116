import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig } from '@/config/config';
import { ensureDatabase, migrate } from '@/infra/prisma/migrator';
import { installGracefulShutdown } from '@/infra/lifecycle/graceful-shutdown';

// Node 20's V8 (11.3) can die with a fatal "unreachable code" in Deoptimizer::DoComputeBuiltinContinuation: the
// memory bench's API process did in 2 of 2 full runs, the plan bench's in 3 of 3. Cedar's WebAssembly exports return
// externrefs and Prisma's query compiler's several values, which the deoptimizer's continuation for an inlined
// JS-to-WebAssembly call does not expect; without that inlining the same run completed (README "Memory under a
// mixed workload"). Set before any code is hot, so every optimization sees it; the Cedar binding (cedar-wasm.ts) sets
// it too for the other entry points.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
// V8 tenures an allocation site once 85% of its objects survive a young GC, which per-request objects do while many
// requests wait (a cold cache's first load, a GC pause, the memory reducer's shrinking of an idle heap). From then on
// each request's tenured object keeps the young ones it points to alive through every young GC (they are promoted
// and die in old space), and their survival keeps the site tenured: the access check measured 35-45 µs of CPU
// instead of 25 (promotion 99.6%, GC 18% of the process's time) until the process restarted. Without pretenuring
// a request's objects die young again (README "Access check").
setFlagsFromString('--no-allocation-site-pretenuring');

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
