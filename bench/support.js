// Shared helpers for the benchmark scripts: they run the built application (npm run build first).
const { execSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');
const SERVER = process.env.BENCH_PG_SERVER || 'postgresql://postgres@127.0.0.1:5432';

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function freshDatabase(label) {
  const name = `jit_bench_${label}_${process.pid}`;
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  const url = `${SERVER}/${name}`;
  const { ensureDatabase, migrate } = require(path.join(DIST, 'infra/prisma/migrator.js'));
  await ensureDatabase(url);
  await migrate(url);
  return {
    url,
    drop: async () => {
      const c = new Client({ connectionString: `${SERVER}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Redis prefixes this bench process handed out, removed when it exits (however it ends). */
const prefixes = new Set();
process.on('exit', () => {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  for (const prefix of prefixes) {
    try {
      execSync(`redis-cli -u ${url} --scan --pattern '${prefix}:*' | xargs -r -n 500 redis-cli -u ${url} unlink > /dev/null`, { stdio: 'ignore' });
    } catch {
      // best effort: the keys expire with nothing else to clean them
    }
  }
});

function benchEnv(databaseUrl, extra = {}) {
  const prefix = `jit-bench-${randomBytes(3).toString('hex')}`;
  prefixes.add(prefix);
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: 'bench-operator-key-0123456789abcdef0123',
    // Limits stay on (their Redis calls are part of every request's cost) but never refuse the load generator;
    // BENCH_RATE_LIMIT=0 turns them off to measure without them.
    RATE_LIMIT_PER_IP: process.env.BENCH_RATE_LIMIT ?? '10000000',
    RATE_LIMIT_PER_KEY: process.env.BENCH_RATE_LIMIT ?? '10000000',
    ...extra,
  };
}

async function waitForHttp(url, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function operator(base, env, method, url, body) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': env.ADMIN_API_KEY },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function tenantWithKey(base, env, role = 'admin') {
  const tenant = await operator(base, env, 'POST', '/v1/tenants', { name: 'bench' });
  const key = await operator(base, env, 'POST', `/v1/tenants/${tenant.id}/api-keys`, { name: 'bench', role });
  return { tenantId: tenant.id, key: key.key };
}

module.exports = { DIST, percentile, freshDatabase, benchEnv, waitForHttp, tenantWithKey };
