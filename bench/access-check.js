// Access-check throughput with 10,000 active grants against a bare NestJS-on-Fastify handler, same load generator.
// Usage: npm run build && node bench/access-check.js   (BENCH_SECONDS, BENCH_CONNECTIONS to tune)
const { spawn } = require('node:child_process');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { DIST, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const GRANTS = 10_000;

function start(script, env) {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

/** CPU time the server process has used so far, in microseconds (Linux /proc, 100 ticks a second). */
function cpuMicros(pid) {
  const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measured(url, headers, bodies, pid) {
  const before = cpuMicros(pid);
  const result = await load(url, headers, bodies);
  return { ...result, cpuPerRequest: (cpuMicros(pid) - before) / result.requests.total };
}

function load(url, headers, bodies) {
  return new Promise((resolve, reject) => {
    let i = 0;
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { 'content-type': 'application/json', ...headers },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

async function seed(databaseUrl, tenantId) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const ids = [];
  for (let batch = 0; batch < GRANTS / 1000; batch += 1) {
    const values = [];
    const params = [];
    for (let j = 0; j < 1000; j += 1) {
      const n = batch * 1000 + j;
      const id = randomUUID();
      ids.push(n);
      params.push(id, tenantId, `user${n % 500}`, `host${n}`);
      const b = params.length;
      values.push(`($${b - 3}::uuid, $${b - 2}::uuid, 'active', 'User', $${b - 1}, 'Action', 'ssh', 'Host', $${b}, 3600, now(), now() + interval '2 hours')`);
    }
    await db.query(
      `INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id, duration_seconds, activated_at, expires_at) VALUES ${values.join(',')}`,
      params,
    );
  }
  await db.end();
  return ids;
}

async function main() {
  const database = await freshDatabase('access');
  const env = benchEnv(database.url, { PORT: '3301', PROCESS_ROLE: 'api' });
  const app = start(path.join(DIST, 'main.js'), env);
  const bare = start(path.join(__dirname, 'bare-server.js'), { ...process.env, PORT: '3302' });
  try {
    await waitForHttp('http://127.0.0.1:3301/health/live');
    await waitForHttp('http://127.0.0.1:3302/v1/access/check').catch(() => undefined);
    const { tenantId, key } = await tenantWithKey('http://127.0.0.1:3301', env, 'auditor');
    const seeded = await seed(database.url, tenantId);
    const bodies = seeded.slice(0, 2000).map((n) =>
      JSON.stringify({ principal: { type: 'User', id: `user${n % 500}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: n % 2 ? `host${n}` : `nohost${n}` } }),
    );
    const headers = { 'x-api-key': key, 'x-tenant-id': tenantId };
    const warm = await fetch('http://127.0.0.1:3301/v1/access/check', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: bodies[1] });
    const warmBody = await warm.json();
    if (!warmBody.allowed) throw new Error(`seeded grant not allowed: ${JSON.stringify(warmBody)}`);
    await load('http://127.0.0.1:3302/v1/access/check', {}, bodies.slice(0, 10));
    const bareResult = await measured('http://127.0.0.1:3302/v1/access/check', {}, bodies, bare.pid);
    await load('http://127.0.0.1:3301/v1/access/check', headers, bodies.slice(0, 10));
    const appResult = await measured('http://127.0.0.1:3301/v1/access/check', headers, bodies, app.pid);
    const row = (name, r) => `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.cpuPerRequest.toFixed(1)} | ${r.non2xx} |`;
    console.log(`access check, ${GRANTS} active grants, ${CONNECTIONS} connections, ${SECONDS} s each`);
    console.log('| server | req/s | p50 ms | p99 ms | server CPU µs/request | non-2xx |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(row('bare NestJS on Fastify', bareResult));
    console.log(row('POST /v1/access/check', appResult));
    console.log(`ratio: ${(appResult.requests.average / bareResult.requests.average * 100).toFixed(1)}% of the bare handler's throughput, ${(bareResult.cpuPerRequest / appResult.cpuPerRequest * 100).toFixed(1)}% by server CPU per request`);
  } finally {
    app.kill();
    bare.kill();
    await new Promise((r) => setTimeout(r, 500));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
