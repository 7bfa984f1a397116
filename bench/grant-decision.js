// Auto-approved grant requests (POST /v1/grants -> 201 active) for one tenant: one at a time, then a closed loop
// with 10 in flight; afterwards the tenant's audit chain must verify (valid, gap-free, every event counted).
// PostgreSQL's own ceiling on this machine is printed beside it: pgbench, single-row INSERT transactions.
// Usage: npm run build && node bench/grant-decision.js   (BENCH_REQUESTS=1000, BENCH_SECONDS=20 for the loop)
// Also prints the CPU per grant of the service and of its PostgreSQL backends during the loop (Linux /proc): on a
// shared machine it stays comparable when the rates do not.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { DIST, percentile, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const REQUESTS = Number(process.env.BENCH_REQUESTS || 1000);
const SECONDS = Number(process.env.BENCH_SECONDS || 20);
const IN_FLIGHT = 10;
const TARGET_PER_S = 450;
const TARGET_P99_MS = 50;
const SERVER = process.env.BENCH_PG_SERVER || 'postgresql://postgres@127.0.0.1:5432';

/** Transactions per second of pgbench inserting one row per transaction, in a throwaway database. */
async function pgbenchCeiling(clients) {
  const name = `jit_bench_pgbench_${process.pid}`;
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const script = path.join(os.tmpdir(), `pgbench-insert-${process.pid}.sql`);
  try {
    const db = new Client({ connectionString: `${SERVER}/${name}` });
    await db.connect();
    await db.query('CREATE TABLE t (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, data jsonb NOT NULL)');
    await db.end();
    fs.writeFileSync(script, `INSERT INTO t (tenant_id, data) VALUES ('00000000-0000-4000-8000-000000000000', '{"a": 1}');\n`);
    const url = new URL(`${SERVER}/${name}`);
    const out = execFileSync('pgbench', ['-n', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', '10', '-f', script, name], { encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(out);
    return tps ? Number(tps[1]) : NaN;
  } finally {
    fs.rmSync(script, { force: true });
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * CPU seconds (user + system) used so far by the service process and by the PostgreSQL backends serving its
 * database (Linux /proc; NaN elsewhere). On a shared machine this stays comparable when wall-clock rates do not.
 */
async function cpuSeconds(pid, databaseUrl) {
  const ticks = (p) => {
    try {
      const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return NaN;
    }
  };
  const hz = 100; // USER_HZ on Linux
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  await db.end();
  const backends = new Map(rows.map((row) => [row.pid, ticks(row.pid) / hz]));
  return { service: ticks(pid) / hz, backends };
}

/** CPU ms per grant between two cpuSeconds readings (backends that closed in between are not counted). */
function cpuPerGrant(before, after, grants) {
  let postgres = 0;
  for (const [pid, seconds] of after.backends) postgres += seconds - (before.backends.get(pid) ?? 0);
  return { service: ((after.service - before.service) * 1000) / grants, postgres: (postgres * 1000) / grants };
}

async function main() {
  const database = await freshDatabase('decision');
  const env = benchEnv(database.url, { PORT: '3304' });
  // BENCH_NODE_FLAGS: extra node flags for the service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const flags = (process.env.BENCH_NODE_FLAGS || '').split(' ').filter(Boolean);
  const app = spawn(process.execPath, [...flags, path.join(DIST, 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = 'http://127.0.0.1:3304';
  try {
    await waitForHttp(`${base}/health/live`);
    const { tenantId, key } = await tenantWithKey(base, env);
    const headers = { 'content-type': 'application/json', 'x-api-key': key, 'x-tenant-id': tenantId };
    const policy = await fetch(`${base}/v1/policies`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'engineers may ssh',
        priority: 10,
        max_duration_seconds: 3600,
        rules: [{ effect: 'permit', principal_scope_type: 'is', principal_entity_type: 'User', action_scope_type: 'eq', action_ids: ['ssh'], resource_scope_type: 'any' }],
      }),
    });
    if (policy.status !== 201) throw new Error(`policy: ${policy.status} ${await policy.text()}`);
    let granted = 0;
    const one = async (i) => {
      const started = process.hrtime.bigint();
      const response = await fetch(`${base}/v1/grants`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ principal: { type: 'User', id: `u${i}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: `h${i}` }, duration_seconds: 600 }),
      });
      const body = await response.json();
      if (response.status !== 201 || body.status !== 'active') throw new Error(`grant: ${response.status} ${JSON.stringify(body)}`);
      granted += 1;
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 50; i += 1) await one(`warm${i}`);
    const sequential = [];
    for (let i = 0; i < REQUESTS; i += 1) sequential.push(await one(i));
    // Closed loop: IN_FLIGHT workers, each sending its next request as soon as the last one is answered.
    const concurrent = [];
    const cpuBefore = await cpuSeconds(app.pid, database.url);
    const loopStart = Date.now();
    const deadline = loopStart + SECONDS * 1000;
    let n = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < deadline) concurrent.push(await one(`c${n++}`));
    }));
    const perSecond = concurrent.length / ((Date.now() - loopStart) / 1000);
    const cpu = cpuPerGrant(cpuBefore, await cpuSeconds(app.pid, database.url), concurrent.length);
    const verify = await (await fetch(`${base}/v1/audit/verify`, { headers })).json();
    const pgOne = await pgbenchCeiling(1);
    const pgTen = await pgbenchCeiling(IN_FLIGHT);

    const stats = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    };
    const seq = stats(sequential);
    const con = stats(concurrent);
    // Each auto-approved grant appends grant.requested and grant.activated; the tenant, key and policy add theirs.
    const expectedAtLeast = granted * 2;
    const chainOk = verify.valid === true && verify.events_checked >= expectedAtLeast;
    console.log(`auto-approved grants, one tenant, load generator on the same machine (${os.cpus().length} cores)`);
    console.log('| mode | requests | grants/s | p50 ms | p99 ms |');
    console.log('| --- | --- | --- | --- | --- |');
    const seqRate = sequential.length / (sequential.reduce((a, b) => a + b, 0) / 1000);
    console.log(`| one at a time | ${sequential.length} | ${seqRate.toFixed(0)} | ${seq.p50.toFixed(1)} | ${seq.p99.toFixed(1)} |`);
    console.log(`| ${IN_FLIGHT} in flight (closed loop, ${SECONDS} s) | ${concurrent.length} | ${perSecond.toFixed(0)} | ${con.p50.toFixed(1)} | ${con.p99.toFixed(1)} |`);
    console.log(`| pgbench, single-row INSERT transactions, 1 client (PostgreSQL's ceiling) | - | ${pgOne.toFixed(0)} | - | - |`);
    console.log(`| pgbench, single-row INSERT transactions, ${IN_FLIGHT} clients (PostgreSQL's ceiling) | - | ${pgTen.toFixed(0)} | - | - |`);
    console.log(`CPU per grant with ${IN_FLIGHT} in flight: service ${cpu.service.toFixed(2)} ms, its PostgreSQL backends ${cpu.postgres.toFixed(2)} ms (load average ${os.loadavg()[0].toFixed(1)})`);
    console.log(`audit chain after the run: ${JSON.stringify(verify)} (at least ${expectedAtLeast} grant events expected)`);
    console.log(`${perSecond >= TARGET_PER_S ? 'MET' : 'MISSED'}: ${perSecond.toFixed(0)} grants/s with ${IN_FLIGHT} in flight (target >= ${TARGET_PER_S}; ${((perSecond / pgTen) * 100).toFixed(0)}% of pgbench's ${IN_FLIGHT}-client insert rate)`);
    console.log(`${con.p99 < TARGET_P99_MS ? 'MET' : 'MISSED'}: p99 ${con.p99.toFixed(1)} ms with ${IN_FLIGHT} in flight (target < ${TARGET_P99_MS} ms)`);
    console.log(`${chainOk ? 'MET' : 'MISSED'}: audit chain valid and gap-free with every grant event in it`);
  } finally {
    app.kill();
    await new Promise((r) => setTimeout(r, 500));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
