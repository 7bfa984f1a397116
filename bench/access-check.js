// Access check against a bare NestJS-on-Fastify handler, same load generator, same run (issue 16):
// 100,000 active grants over 1,000 tenants, each check a random tenant and triple, half of them allowed.
// The two servers take turns (BENCH_ROUNDS rounds, bare first in odd rounds, ours first in even ones) so that a
// host whose speed drifts during the run weighs on both alike; each side's figures pool its rounds.
// Usage: npm run build && node bench/access-check.js
//   BENCH_SECONDS (12, per server, split over the rounds), BENCH_ROUNDS (3), BENCH_CONNECTIONS (50), BENCH_TENANTS (1000), BENCH_GRANTS_PER_TENANT (100),
//   BENCH_PROFILE_DIR=dir writes a --cpu-prof profile of the service there; BENCH_NODE_FLAGS adds flags to its node.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { DIST, freshDatabase, benchEnv, waitForHttp } = require('./support');
const { seedTenants, seedGrants } = require('./seed');

const SECONDS = Number(process.env.BENCH_SECONDS || 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const TENANTS = Number(process.env.BENCH_TENANTS || 1000);
const PER_TENANT = Number(process.env.BENCH_GRANTS_PER_TENANT || 100);
const BATCH = 100;
const TARGET_SHARE = 75;
const TARGET_P99_MS = 5;

function start(script, env, nodeArgs = []) {
  return spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', env.LOG_LEVEL === 'silent' ? 'ignore' : 'inherit', 'inherit'] });
}

/** CPU time the process has used so far, in microseconds (Linux /proc, 100 ticks a second). */
function cpuMicros(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measured(url, requests, pid, options = {}) {
  const before = cpuMicros(pid);
  const result = await load(url, requests, options);
  return { ...result, cpuPerRequest: (cpuMicros(pid) - before) / result.requests.total };
}

/** One side's rounds as one result: rates and CPU over all of them, the median p50 and the worst p99. */
function pooled(rounds) {
  const total = rounds.reduce((sum, r) => sum + r.requests.total, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.duration, 0);
  const p50s = rounds.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    requests: { total, average: total / seconds },
    latency: { p50: p50s[Math.floor(p50s.length / 2)], p99: Math.max(...rounds.map((r) => r.latency.p99)) },
    cpuPerRequest: rounds.reduce((sum, r) => sum + r.cpuPerRequest * r.requests.total, 0) / total,
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

/** `requests`: [{headers, body}], sent round-robin over every connection. */
function load(url, requests, { seconds = SECONDS, connections = CONNECTIONS } = {}) {
  return new Promise((resolve, reject) => {
    let i = 0;
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              const next = requests[i++ % requests.length];
              return { ...req, headers: { ...req.headers, ...next.headers }, body: next.body };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/** A random triple of a random tenant, allowed when `allowed` (host<n> is granted, nohost<n> is not). */
function triple(n, allowed) {
  return { principal: { type: 'User', id: `user${n % 50}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: `${allowed ? '' : 'no'}host${n}` } };
}

/** Heap bytes the access cache holds for TENANTS x PER_TENANT grants, measured in a child with --expose-gc. */
function cacheBytes() {
  const script = `
    const { TenantGrants } = require(${JSON.stringify(path.join(DIST, 'modules/access/access-cache.js'))});
    const { randomUUID } = require('node:crypto');
    gc(); const before = process.memoryUsage().heapUsed;
    const tenants = [];
    for (let t = 0; t < ${TENANTS}; t += 1) {
      const grants = new TenantGrants();
      for (let n = 0; n < ${PER_TENANT}; n += 1) grants.apply({ id: randomUUID(), principal: { type: 'User', id: 'user' + (n % 50) }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'host' + n }, status: 'active', expiresAt: Date.now() + 7200000, auditSession: false });
      tenants.push(grants);
    }
    gc(); process.stdout.write(String(process.memoryUsage().heapUsed - before + tenants.length * 0));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`cache measurement exited ${code}`))));
  });
}

const verdict = (met) => (met ? 'MET' : 'MISSED');

async function main() {
  const database = await freshDatabase('access');
  const env = benchEnv(database.url, { PORT: '3301', PROCESS_ROLE: 'api', ...(process.env.BENCH_APP_LOG && { LOG_LEVEL: process.env.BENCH_APP_LOG }) });
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const app = start(path.join(DIST, 'main.js'), env, [...profile, ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)]);
  const bare = start(path.join(__dirname, 'bare-server.js'), { ...process.env, PORT: '3302' }, (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean));
  try {
    await waitForHttp('http://127.0.0.1:3301/health/live');
    await waitForHttp('http://127.0.0.1:3302/v1/access/check').catch(() => undefined);
    const seedStart = Date.now();
    const tenants = await seedTenants(database.url, TENANTS);
    await seedGrants(database.url, tenants.map((t) => t.tenantId), PER_TENANT);
    const seeded = Date.now() - seedStart;
    const headersOf = (t) => ({ 'x-api-key': t.key, 'x-tenant-id': t.tenantId });
    // Every tenant once (loads its grants into the cache), then random tenants and triples, half allowed.
    const warm = tenants.map((t, i) => ({ headers: headersOf(t), body: JSON.stringify(triple(i % PER_TENANT, true)) }));
    const random = Array.from({ length: 20_000 }, (_v, i) => {
      const t = tenants[Math.floor(Math.random() * tenants.length)];
      return { headers: headersOf(t), body: JSON.stringify(triple(Math.floor(Math.random() * PER_TENANT), i % 2 === 0)), allowed: i % 2 === 0 };
    });
    // Warm until the steady state: a pass over every tenant that costs the database (almost) nothing, so that the
    // measured run counts no cache loads (a tenant checked while the cache was not trusted yet is loaded later).
    for (let pass = 1; ; pass += 1) {
      const before = await transactions(database.url);
      for (let i = 0; i < warm.length; i += 50) {
        const answers = await Promise.all(warm.slice(i, i + 50).map((r) => post('http://127.0.0.1:3301/v1/access/check', r)));
        if (!answers.every((a) => a.allowed === true)) throw new Error(`a seeded grant is not allowed: ${JSON.stringify(answers.find((a) => !a.allowed))}`);
      }
      await new Promise((r) => setTimeout(r, 1500));
      const spent = (await transactions(database.url)) - before - 1;
      console.log(`warm-up pass ${pass} over ${warm.length} tenants: ${spent} database transactions`);
      if (spent < 20 || pass === 5) break;
    }
    for (const r of random.slice(0, 20)) {
      const answer = await post('http://127.0.0.1:3301/v1/access/check', r);
      if (answer.allowed !== r.allowed) throw new Error(`wrong answer for ${r.body}: ${JSON.stringify(answer)}`);
    }
    const batches = Array.from({ length: 200 }, (_v, b) => {
      const t = tenants[b % tenants.length];
      const checks = Array.from({ length: BATCH }, (_w, i) => triple(Math.floor(Math.random() * PER_TENANT), i % 2 === 0));
      return { headers: headersOf(t), body: JSON.stringify({ checks }) };
    });
    const bareRequests = random.map((r) => ({ headers: {}, body: r.body }));

    await load('http://127.0.0.1:3302/v1/access/check', bareRequests, { seconds: 2 });
    await load('http://127.0.0.1:3301/v1/access/check', random, { seconds: 2 });
    const roundSeconds = SECONDS / ROUNDS;
    const bareRounds = [];
    const appRounds = [];
    const before = await transactions(database.url);
    const roundsStart = Date.now();
    for (let round = 1; round <= ROUNDS; round += 1) {
      const turns = [
        async () => bareRounds.push(await measured('http://127.0.0.1:3302/v1/access/check', bareRequests, bare.pid, { seconds: roundSeconds })),
        async () => appRounds.push(await measured('http://127.0.0.1:3301/v1/access/check', random, app.pid, { seconds: roundSeconds })),
      ];
      for (const turn of round % 2 === 1 ? turns : turns.reverse()) await turn();
    }
    const roundsSeconds = (Date.now() - roundsStart) / 1000;
    const bareResult = pooled(bareRounds);
    const appResult = pooled(appRounds);
    // PostgreSQL publishes its counters with a delay of up to a second.
    await new Promise((r) => setTimeout(r, 1500));
    const dbTransactions = (await transactions(database.url)) - before - 1;
    const batchResult = await measured('http://127.0.0.1:3301/v1/access/check/batch', batches, app.pid, { seconds: Math.max(3, SECONDS / 2), connections: 10 });
    const bytes = await cacheBytes();

    const row = (name, r, per = 1) =>
      `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${(r.cpuPerRequest / per).toFixed(1)} | ${r.non2xx} |`;
    const throughput = (appResult.requests.average / bareResult.requests.average) * 100;
    const cpu = (bareResult.cpuPerRequest / appResult.cpuPerRequest) * 100;
    console.log(`access check: ${TENANTS} tenants x ${PER_TENANT} active grants (seeded in ${(seeded / 1000).toFixed(1)} s), random tenant and triple, half allowed;`);
    console.log(`${CONNECTIONS} connections, ${SECONDS} s per server in ${ROUNDS} alternating rounds, load generator on the same machine (${require('node:os').cpus().length} cores)`);
    console.log('| server | req/s | p50 ms | p99 ms | server CPU µs per check | non-2xx |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(row('bare NestJS on Fastify (baseline)', bareResult));
    console.log(row('POST /v1/access/check', appResult));
    console.log(row(`POST /v1/access/check/batch (${BATCH} triples, 10 connections; per triple)`, batchResult, BATCH));
    const shares = bareRounds.map((b, i) => `${((appRounds[i].requests.average / b.requests.average) * 100).toFixed(1)}%`);
    console.log(`throughput share by round (ours / bare): ${shares.join(', ')}`);
    console.log(`access cache: ${(bytes / 1024 / 1024).toFixed(1)} MiB for ${TENANTS * PER_TENANT} grants (${((bytes / (TENANTS * PER_TENANT)) * 100_000 / 1024 / 1024).toFixed(1)} MiB per 100,000 grants, ${Math.round(bytes / (TENANTS * PER_TENANT))} bytes each)`);
    console.log(`${verdict(throughput >= TARGET_SHARE)}: throughput ${throughput.toFixed(1)}% of the bare handler (target >= ${TARGET_SHARE}%)`);
    console.log(`${verdict(cpu >= TARGET_SHARE)}: server CPU per request ${cpu.toFixed(1)}% of the bare handler's efficiency (bare ${bareResult.cpuPerRequest.toFixed(1)} µs / ours ${appResult.cpuPerRequest.toFixed(1)} µs; target >= ${TARGET_SHARE}%)`);
    console.log(`${verdict(appResult.latency.p99 < TARGET_P99_MS)}: p99 ${appResult.latency.p99} ms at ${CONNECTIONS} connections, the worst round (target < ${TARGET_P99_MS} ms)`);
    if (appResult.non2xx > 0 || batchResult.non2xx > 0) console.log('MISSED: some checks were not answered 200');
    console.log(`database transactions during the ${roundsSeconds.toFixed(0)} s of rounds: ${dbTransactions} (${appResult.requests.total} checks; the change feed and the audit chainer poll once a second each)`);
  } finally {
    app.kill('SIGINT');
    bare.kill();
    await new Promise((r) => setTimeout(r, profile.length ? 3000 : 500));
    await database.drop();
  }
}

/** Transactions the bench database has committed so far (every statement outside a transaction counts as one). */
async function transactions(databaseUrl) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].n);
  } finally {
    await db.end();
  }
}

async function post(url, r) {
  const response = await fetch(url, { method: 'POST', headers: { ...r.headers, 'content-type': 'application/json' }, body: r.body });
  return response.json();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
