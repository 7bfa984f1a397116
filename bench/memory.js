// Memory under a mixed workload: an API process and a worker process against a database holding 100,000 grants,
// for BENCH_SECONDS (default 240): grant requests, approvals, access checks, grant and audit queries and hostile
// inputs from BENCH_CLIENTS concurrent clients. Prints each process's RSS after warm-up, in the middle and at the
// end, throughput and p99 per endpoint, and errors (5xx or failed connections); MET when there are none and RSS grew
// by less than 10% after warm-up. Usage: npm run build && node bench/memory.js
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { DIST, percentile, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const SECONDS = Number(process.env.BENCH_SECONDS || 240);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS || 30);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 8);
const SEEDED = Number(process.env.BENCH_GRANTS || 100_000);

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function seed(url, tenantId, count) {
  const client = new Client({ connectionString: url });
  await client.connect();
  // Historical grants (ended), the bulk of a real table, plus a few hundred active ones.
  await client.query(
    `INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id,
       duration_seconds, determining_rule_ids, notices, created_at, activated_at, expires_at, ended_at, ended_reason)
     SELECT gen_random_uuid(), $1::uuid, CASE WHEN i % 500 = 0 THEN 'active' WHEN i % 3 = 0 THEN 'revoked' ELSE 'expired' END,
       'User', 'seed' || (i % 5000), 'Action', 'ssh', 'Host', 'h' || (i % 1000), 3600, '{}', '{}',
       now() - make_interval(secs => i), now() - make_interval(secs => i),
       CASE WHEN i % 500 = 0 THEN now() + interval '1 day' ELSE now() - make_interval(secs => i) + interval '1 hour' END,
       CASE WHEN i % 500 = 0 THEN NULL ELSE now() - make_interval(secs => i) + interval '1 hour' END,
       CASE WHEN i % 500 = 0 THEN NULL WHEN i % 3 = 0 THEN 'revoked' ELSE NULL END
     FROM generate_series(1, $2::int) AS i`,
    [tenantId, count],
  );
  await client.end();
}

const HOSTILE = [
  { path: '/v1/grants', type: 'application/json', body: '['.repeat(5000) + ']'.repeat(5000) },
  { path: '/v1/grants', type: 'application/json', body: '{"principal":{"type":"User","id":"\\ud800"},"action":{"type":"Action","id":"ssh"},"resource":{"type":"Host","id":"h"}}' },
  { path: '/v1/policies', type: 'application/json', body: '[]' },
  { path: '/v1/api-keys', type: 'application/x-www-form-urlencoded', body: 'name=x&role=admin' },
  { path: '/v1/grants', type: 'application/json', body: '{"principal":[],"action":{},"resource":1e400}' },
  { path: '/v1/access/check', type: 'text/plain', body: 'hello' },
  { path: '/v1/policies', type: 'application/json', body: JSON.stringify({ name: 'x', priority: 1, max_duration_seconds: 60, rules: [{ effect: 'permit', policy_text: '} ; permit(principal, action, resource) when { true' }] }) },
];

async function main() {
  const database = await freshDatabase('memory');
  const env = benchEnv(database.url, { SMTP_URL: 'smtp://127.0.0.1:9', REMINDER_INTERVAL_SECONDS: '86400' });
  const api = spawn(process.execPath, [path.join(DIST, 'main.js')], { env: { ...env, PORT: '3305', PROCESS_ROLE: 'api' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const worker = spawn(process.execPath, [path.join(DIST, 'main.js')], { env: { ...env, PORT: '3306', PROCESS_ROLE: 'worker' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = 'http://127.0.0.1:3305';
  try {
    await waitForHttp(`${base}/health/live`);
    const { tenantId, key } = await tenantWithKey(base, env);
    await seed(database.url, tenantId, SEEDED);
    const headers = { 'content-type': 'application/json', 'x-api-key': key, 'x-tenant-id': tenantId };
    const post = (url, body) => fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
    for (const [name, extra] of [
      ['auto', { action_ids: ['ssh'] }],
      ['approved', { action_ids: ['sudo'], approval: true }],
    ]) {
      const response = await post('/v1/policies', {
        name,
        priority: 10,
        max_duration_seconds: 3600,
        ...(extra.approval ? { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }] } : {}),
        rules: [{ effect: 'permit', principal_scope_type: 'is', principal_entity_type: 'User', action_scope_type: 'eq', action_ids: extra.action_ids, resource_scope_type: 'any' }],
      });
      if (response.status !== 201) throw new Error(`policy: ${response.status} ${await response.text()}`);
    }

    const stats = new Map();
    let errors = 0;
    const errorSamples = [];
    const record = (name, ms, status) => {
      const entry = stats.get(name) ?? { times: [], statuses: new Map() };
      entry.times.push(ms);
      entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
      stats.set(name, entry);
      if (status >= 500 || status === 0) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(`${name} ${status}`);
      }
    };
    const timed = async (name, run) => {
      const started = process.hrtime.bigint();
      let status = 0;
      try {
        const response = await run();
        status = response.status;
        await response.arrayBuffer();
        return response;
      } catch {
        return null;
      } finally {
        record(name, Number(process.hrtime.bigint() - started) / 1e6, status);
      }
    };
    let n = 0;
    const operations = [
      ['POST /v1/grants', () => timed('POST /v1/grants', () => post('/v1/grants', { principal: { type: 'User', id: `b${n++}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'h1' }, duration_seconds: 30 + (n % 300) }))],
      [
        'approval',
        async () => {
          const id = `a${n++}`;
          const created = await post('/v1/grants', { principal: { type: 'User', id }, action: { type: 'Action', id: 'sudo' }, resource: { type: 'Host', id: 'db' }, requester_email: `${id}@example.com`, duration_seconds: 60 });
          const grant = await created.json();
          record('POST /v1/grants (pending)', 0, created.status);
          if (created.status === 201) await timed('POST /v1/grants/{id}/approvals', () => post(`/v1/grants/${grant.id}/approvals`, { approver_email: 'boss@example.com', decision: 'approve' }));
        },
      ],
      ['POST /v1/access/check', () => timed('POST /v1/access/check', () => post('/v1/access/check', { principal: { type: 'User', id: `seed${n++ % 5000}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: `h${n % 1000}` } }))],
      ['GET /v1/grants', () => timed('GET /v1/grants', () => fetch(`${base}/v1/grants?limit=50&principal_id=seed${n++ % 5000}`, { headers }))],
      ['GET /v1/audit/events', () => timed('GET /v1/audit/events', () => fetch(`${base}/v1/audit/events?limit=100`, { headers }))],
      [
        'hostile',
        () => {
          const h = HOSTILE[n++ % HOSTILE.length];
          return timed('hostile inputs', () => fetch(`${base}${h.path}`, { method: 'POST', headers: { ...headers, 'content-type': h.type }, body: h.body }));
        },
      ],
    ];
    const weights = [3, 1, 6, 2, 1, 2];
    const pick = () => {
      let r = Math.random() * weights.reduce((a, b) => a + b, 0);
      for (let i = 0; i < weights.length; i += 1) if ((r -= weights[i]) < 0) return operations[i][1];
      return operations[0][1];
    };

    const started = Date.now();
    const end = started + (WARMUP_SECONDS + SECONDS) * 1000;
    const samples = {};
    const sample = (label) => (samples[label] = { api: rssMb(api.pid), worker: rssMb(worker.pid) });
    sample('start');
    setTimeout(() => {
      stats.clear();
      errors = 0;
      sample('after warm-up');
    }, WARMUP_SECONDS * 1000);
    setTimeout(() => sample('middle'), (WARMUP_SECONDS + SECONDS / 2) * 1000);
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < end) await pick()();
      }),
    );
    sample('end');
    const measured = SECONDS;

    console.log(`memory bench: ${SEEDED.toLocaleString('en')} grants seeded, ${CLIENTS} clients, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured`);
    console.log('| process | start MB | after warm-up MB | middle MB | end MB | growth after warm-up |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    const growth = {};
    for (const proc of ['api', 'worker']) {
      growth[proc] = (samples.end[proc] - samples['after warm-up'][proc]) / samples['after warm-up'][proc];
      console.log(`| ${proc} | ${samples.start[proc].toFixed(0)} | ${samples['after warm-up'][proc].toFixed(0)} | ${samples.middle[proc].toFixed(0)} | ${samples.end[proc].toFixed(0)} | ${(growth[proc] * 100).toFixed(1)}% |`);
    }
    console.log('| endpoint | requests | req/s | p50 ms | p99 ms | statuses |');
    console.log('| --- | ---: | ---: | ---: | ---: | --- |');
    for (const [name, entry] of [...stats].sort()) {
      const sorted = entry.times.sort((a, b) => a - b);
      const statuses = [...entry.statuses].sort().map(([s, c]) => `${s}: ${c}`).join(', ');
      console.log(`| ${name} | ${sorted.length} | ${(sorted.length / measured).toFixed(0)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${statuses} |`);
    }
    console.log(`errors (5xx or failed connections) after warm-up: ${errors}${errorSamples.length ? ` (${errorSamples.join('; ')})` : ''}`);
    const met = errors === 0 && growth.api < 0.1 && growth.worker < 0.1;
    console.log(`${met ? 'MET' : 'MISSED'}: zero 5xx (${errors}), RSS growth after warm-up under 10% (api ${(growth.api * 100).toFixed(1)}%, worker ${(growth.worker * 100).toFixed(1)}%)`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
