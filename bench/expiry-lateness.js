// Expiry lateness: 10,000 active grants whose ends fall within one 10-second window; every one must end, and we
// report how late (ended_at - expires_at). Runs the built app (API + worker) in a child process.
// Usage: npm run build && node bench/expiry-lateness.js
const { spawn } = require('node:child_process');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Queue } = require('bullmq');
const { Client } = require('pg');
const { DIST, percentile, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const GRANTS = Number(process.env.BENCH_GRANTS || 10_000);
const WINDOW_MS = 10_000;
const LEAD_MS = 8_000;

async function main() {
  const database = await freshDatabase('expiry');
  const env = benchEnv(database.url, { PORT: '3303', SWEEP_INTERVAL_SECONDS: '30' });
  const app = spawn(process.execPath, [path.join(DIST, 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const db = new Client({ connectionString: database.url });
  const queue = new Queue('grants', { connection: { url: env.REDIS_URL || 'redis://127.0.0.1:6379' }, prefix: `${env.REDIS_PREFIX}:bull` });
  try {
    await waitForHttp('http://127.0.0.1:3303/health/live');
    const { tenantId } = await tenantWithKey('http://127.0.0.1:3303', env);
    await db.connect();
    const start = Date.now() + LEAD_MS;
    const grants = Array.from({ length: GRANTS }, (_, i) => ({ id: randomUUID(), expiresAt: new Date(start + Math.floor((i / GRANTS) * WINDOW_MS)) }));
    for (let i = 0; i < grants.length; i += 1000) {
      const slice = grants.slice(i, i + 1000);
      const params = [];
      const values = slice.map((g, j) => {
        params.push(g.id, tenantId, `host${i + j}`, g.expiresAt);
        const b = params.length;
        return `($${b - 3}::uuid, $${b - 2}::uuid, 'active', 'User', 'alice', 'Action', 'ssh', 'Host', $${b - 1}, 60, now(), $${b}::timestamptz)`;
      });
      await db.query(
        `INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id, duration_seconds, activated_at, expires_at) VALUES ${values.join(',')}`,
        params,
      );
      // Exactly what GrantJobs.scheduleExpiry enqueues for an activated grant.
      await queue.addBulk(
        slice.map((g) => ({
          name: 'expire',
          data: { tenantId, grantId: g.id },
          opts: { jobId: `grant:${g.id}:expire`, delay: Math.max(0, g.expiresAt.getTime() - Date.now()), attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: false },
        })),
      );
    }
    const setupDone = Date.now();
    if (setupDone > start) console.warn(`warning: setup overran the lead time by ${setupDone - start} ms`);
    const deadline = start + WINDOW_MS + 60_000;
    let remaining = GRANTS;
    while (remaining > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      remaining = Number((await db.query(`SELECT count(*) FROM grants WHERE status = 'active'`)).rows[0].count);
    }
    const { rows } = await db.query(`SELECT extract(epoch FROM (ended_at - expires_at)) * 1000 AS late FROM grants WHERE status = 'expired'`);
    const late = rows.map((r) => Number(r.late)).sort((a, b) => a - b);
    console.log(`expiry of ${GRANTS} grants due within ${WINDOW_MS / 1000} s`);
    console.log('| ended | still active | lateness p50 ms | p99 ms | max ms |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| ${late.length} | ${remaining} | ${percentile(late, 50).toFixed(0)} | ${percentile(late, 99).toFixed(0)} | ${late[late.length - 1].toFixed(0)} |`);
  } finally {
    app.kill();
    await new Promise((r) => setTimeout(r, 1000));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await db.end().catch(() => undefined);
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
