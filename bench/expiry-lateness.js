// Expiry at scale (issue 16): 100,000 active grants over 100 tenants, due within one 60-second window. Every one
// must end, lateness (ended_at - expires_at) p99 under 1 s, and the access check must never answer `allowed` for
// a grant past its expires_at (probed all along the window with batch checks of grants falling due around then).
// Runs the built app (API + worker) in a child process.
// Usage: npm run build && node bench/expiry-lateness.js   (BENCH_GRANTS=100000, BENCH_TENANTS=100, BENCH_WINDOW_SECONDS=60,
//   BENCH_WORKERS=0: API and worker in one process; n: an API process and n worker processes; BENCH_SLICES=n: lateness
//   per n seconds of the window)
const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const { Client } = require('pg');
const { DIST, percentile, freshDatabase, benchEnv, waitForHttp } = require('./support');
const { seedTenants, seedGrants } = require('./seed');

const GRANTS = Number(process.env.BENCH_GRANTS || 100_000);
const TENANTS = Number(process.env.BENCH_TENANTS || 100);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_SECONDS || 60) * 1000;
const LEAD_MS = Number(process.env.BENCH_LEAD_SECONDS || 30) * 1000;
const GRACE_MS = 30_000;
const TARGET_P99_MS = 1000;
const PER_TENANT = Math.ceil(GRANTS / TENANTS);

/** A grant's triple as seeded: its number n within the tenant (see seed.js). */
const triple = (n) => ({ principal: { type: 'User', id: `user${n % 50}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: `host${n}` } });

async function main() {
  const database = await freshDatabase('expiry');
  const env = benchEnv(database.url, { PORT: '3303', SWEEP_INTERVAL_SECONDS: '30', ...(process.env.BENCH_APP_LOG && { LOG_LEVEL: process.env.BENCH_APP_LOG }) });
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  // BENCH_WORKERS=n: an API process (PROCESS_ROLE=api, answering the probe) and n worker processes, as deployed;
  // 0 (the default): one process doing both.
  const workers = Number(process.env.BENCH_WORKERS || 0);
  const stdio = ['ignore', process.env.BENCH_APP_LOG ? 'inherit' : 'ignore', 'inherit'];
  const app = spawn(process.execPath, [...profile, path.join(DIST, 'main.js')], { env: { ...env, PROCESS_ROLE: workers > 0 ? 'api' : 'all' }, stdio });
  const workerProcesses = Array.from({ length: workers }, () => spawn(process.execPath, [path.join(DIST, 'main.js')], { env: { ...env, PROCESS_ROLE: 'worker' }, stdio }));
  const layout = workers > 0 ? `an API process and ${workers} worker process${workers > 1 ? 'es' : ''}` : 'one process (API + worker)';
  const db = new Client({ connectionString: database.url });
  const queue = new Queue('grants', { connection: { url: env.REDIS_URL || 'redis://127.0.0.1:6379' }, prefix: `${env.REDIS_PREFIX}:bull` });
  const base = 'http://127.0.0.1:3303';
  try {
    await waitForHttp(`${base}/health/live`);
    await db.connect();
    const seedStart = Date.now();
    const start = seedStart + LEAD_MS;
    const tenants = await seedTenants(database.url, TENANTS);
    // Grant n of every tenant falls due at start + (n / PER_TENANT) of the window: the tenants interleave.
    await seedGrants(database.url, tenants.map((t) => t.tenantId), PER_TENANT, `to_timestamp(${start / 1000} + n::float8 / ${PER_TENANT} * ${WINDOW_MS / 1000})`);
    const { rows: seeded } = await db.query(`SELECT id, tenant_id, (extract(epoch FROM expires_at) * 1000)::float8 AS due FROM grants WHERE status = 'active'`);
    // Exactly what GrantJobs.scheduleExpiry enqueues for activated grants: one job per bucket, across tenants.
    const { expiryBucket, bucketJobId } = require(path.join(DIST, 'modules/grants/grant-jobs.js'));
    const buckets = new Map();
    for (const g of seeded) {
      const dueAt = expiryBucket(new Date(Number(g.due)));
      buckets.set(bucketJobId(dueAt), { dueAt });
    }
    const jobs = [...buckets].map(([jobId, data]) => ({
      name: 'expire_bucket',
      data,
      opts: { jobId, delay: Math.max(0, data.dueAt - Date.now()), attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: true },
    }));
    for (let i = 0; i < jobs.length; i += 2000) await queue.addBulk(jobs.slice(i, i + 2000));
    const seededIn = Date.now() - seedStart;
    if (Date.now() > start) console.warn(`warning: seeding overran the lead time by ${Date.now() - start} ms`);

    // A service that has been running holds its tenants' grants in memory, learned as they were created through the
    // API; these were seeded in SQL, so one check per tenant loads them before the window, not during it.
    for (const tenant of tenants) {
      const response = await fetch(`${base}/v1/access/check/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': tenant.key, 'x-tenant-id': tenant.tenantId },
        body: JSON.stringify({ checks: [triple(0)] }),
      });
      if (response.status !== 200) throw new Error(`cache warm-up: ${response.status}`);
    }
    if (Date.now() > start) console.warn(`warning: the cache warm-up overran the lead time by ${Date.now() - start} ms`);

    // The access check, all along: each probe asks one tenant about 100 grants due around now.
    let probes = 0;
    let checked = 0;
    let allowedPast = 0;
    let unavailable = 0;
    let probing = true;
    const probe = (async () => {
      while (probing && Date.now() < start + WINDOW_MS + 2000) {
        const tenant = tenants[probes % tenants.length];
        probes += 1;
        const center = Math.floor(((Date.now() - start) / WINDOW_MS) * PER_TENANT);
        const ns = Array.from({ length: 100 }, (_v, i) => center - 50 + i).filter((n) => n >= 0 && n < PER_TENANT);
        if (ns.length === 0) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const sentAt = Date.now();
        const response = await fetch(`${base}/v1/access/check/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': tenant.key, 'x-tenant-id': tenant.tenantId },
          body: JSON.stringify({ checks: ns.map(triple) }),
        });
        const body = await response.json();
        // 503: the cache was not trusted and the database did not answer in time; refused, so never a wrong allow.
        if (response.status === 503) unavailable += 1;
        else if (response.status !== 200) throw new Error(`batch check: ${response.status} ${JSON.stringify(body)}`);
        else body.results.forEach((answer, i) => {
          checked += 1;
          const due = start + (ns[i] / PER_TENANT) * WINDOW_MS;
          // Allowed although the request was sent at or after the grant's end: a violation.
          if (answer.allowed && sentAt >= Math.floor(due) + 1) allowedPast += 1;
        });
        await new Promise((r) => setTimeout(r, 20));
      }
    })().catch((error) => {
      probing = false;
      return error;
    });

    const deadline = start + WINDOW_MS + GRACE_MS;
    let remaining = GRANTS;
    while (remaining > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      remaining = Number((await db.query(`SELECT count(*) FROM grants WHERE status = 'active'`)).rows[0].count);
    }
    probing = false;
    const probeError = await probe;
    if (probeError) throw probeError;
    const { rows } = await db.query(`SELECT extract(epoch FROM (ended_at - expires_at)) * 1000 AS late FROM grants WHERE status = 'expired'`);
    if (process.env.BENCH_SLICES) {
      // BENCH_SLICES=n: lateness of the grants due in each n seconds of the window, to see where it grows.
      const width = Number(process.env.BENCH_SLICES) || 5;
      const slices = await db.query(`SELECT floor(extract(epoch FROM expires_at - $1::timestamptz) / ${width})::int * ${width} AS at, count(*)::int AS n,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (ended_at - expires_at))) * 1000 AS p50,
          percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM (ended_at - expires_at))) * 1000 AS p99
        FROM grants WHERE status = 'expired' GROUP BY 1 ORDER BY 1`, [new Date(start)]);
      for (const r of slices.rows) console.log(`due at +${r.at} s: ${r.n} grants, lateness p50 ${Math.round(r.p50)} ms, p99 ${Math.round(r.p99)} ms`);
    }
    const late = rows.map((r) => Number(r.late)).sort((a, b) => a - b);
    const p99 = percentile(late, 99);
    console.log(`expiry of ${GRANTS} grants over ${TENANTS} tenants due within ${WINDOW_MS / 1000} s (seeded with their jobs in ${(seededIn / 1000).toFixed(1)} s); ${layout}, ${os.cpus().length} cores`);
    console.log('| ended | still active | lateness p50 ms | p99 ms | max ms | access checks during the window | allowed past expires_at | batch checks answered 503 |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    console.log(`| ${late.length} | ${remaining} | ${percentile(late, 50).toFixed(0)} | ${p99.toFixed(0)} | ${(late[late.length - 1] ?? NaN).toFixed(0)} | ${checked} | ${allowedPast} | ${unavailable} of ${probes} |`);
    console.log(`${remaining === 0 && late.length === GRANTS ? 'MET' : 'MISSED'}: every grant ended (${late.length} of ${GRANTS})`);
    console.log(`${p99 < TARGET_P99_MS ? 'MET' : 'MISSED'}: lateness p99 ${p99.toFixed(0)} ms (target < ${TARGET_P99_MS} ms)`);
    console.log(`${allowedPast === 0 && checked > 0 ? 'MET' : 'MISSED'}: the access check never allowed past expires_at (${checked} checks)`);
  } finally {
    app.kill('SIGINT');
    for (const worker of workerProcesses) worker.kill('SIGINT');
    await new Promise((r) => setTimeout(r, process.env.BENCH_PROFILE_DIR ? 5000 : 1000));
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
