// Memory under a mixed workload: an API process and a worker process against a database holding 100,000 grants
// (BENCH_GRANTS), for a warm-up (BENCH_WARMUP_SECONDS, 30) and then BENCH_SECONDS (240): grant requests (lasting
// 10-29 s, so active grants stay level after the warm-up), approvals, access checks, grant and audit queries and
// hostile inputs from BENCH_CLIENTS (8) concurrent clients. At start, after warm-up, in the middle, at the end and
// after BENCH_IDLE_SECONDS (20) without load it reads each process's RSS, then has the process (bench/memory-probe.js,
// preloaded) run a full garbage collection and report its memory by part: V8 heap used (what the process keeps
// alive) and committed, external, WebAssembly (Cedar, Prisma's query compiler) and the rest (native allocations).
// Prints these, RSS and heap used every 15 s, throughput and p99 per endpoint, and errors (5xx or failed
// connections); MET when there are none and RSS grew by less than 10% after warm-up.
// Usage: npm run build && node bench/memory.js
const { spawn } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { DIST, percentile, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const SECONDS = Number(process.env.BENCH_SECONDS || 240);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS || 30);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 8);
const SEEDED = Number(process.env.BENCH_GRANTS || 100_000);
// The grants the workload requests last 10 to 29 s, less than the warm-up, so they expire during the run at the rate
// they are made: from the end of the warm-up on, active grants (and the access cache holding them) stay level, and
// what grows is not the workload's own state.
const GRANT_SECONDS_MIN = 10;
const GRANT_SECONDS_SPREAD = 20;
/** Seconds without load after the end sample before the last one: what V8 gives back once the process is idle. */
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS || 20);

/** RSS of a process (MB); NaN once it has exited. */
const rssMb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
};
const MB = 1024 * 1024;
/** A probe reading (bench/memory-probe.js) in MB; `rest` is what none of the parts account for (native, code, stacks). */
const inMb = (usage) => {
  const wasm = usage.wasm.reduce((sum, bytes) => sum + bytes, 0) / MB;
  const [rss, heapUsed, heapTotal, external, arrayBuffers] = [usage.rss, usage.heapUsed, usage.heapTotal, usage.external, usage.arrayBuffers].map((b) => b / MB);
  return { rss, heapUsed, heapTotal, external, arrayBuffers, wasm, rest: rss - heapTotal - external - wasm, spaces: usage.spaces };
};
const readProbe = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};
/** Asks a process for a reading right after a full collection (SIGUSR2 to its probe) and waits for it (MB). */
async function collected(child, file) {
  if (child.exitCode !== null || child.signalCode !== null) return null;
  const before = readProbe(file)?.collections ?? 0;
  child.kill('SIGUSR2');
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const probe = readProbe(file);
    if (probe && probe.collections > before) return inMb(probe.collected);
  }
  return null;
}

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
  // Each process preloads bench/memory-probe.js. BENCH_NODE_FLAGS: extra node flags for both. BENCH_HEAP_SNAPSHOTS=
  // <dir>: each also writes a heap snapshot there at every sample (for diagnosis only: writing one pauses the process
  // and adds to its RSS).
  const flags = ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS || '').split(' ').filter(Boolean)];
  const probes = { api: path.join(os.tmpdir(), `jit-bench-memory-api-${process.pid}.json`), worker: path.join(os.tmpdir(), `jit-bench-memory-worker-${process.pid}.json`) };
  const start = (role, port) =>
    spawn(process.execPath, [...flags, '-r', path.join(__dirname, 'memory-probe.js'), path.join(DIST, 'main.js')], {
      env: { ...env, PORT: port, PROCESS_ROLE: role, BENCH_MEMORY_PROBE: probes[role] },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const api = start('api', '3305');
  const worker = start('worker', '3306');
  console.log(`api pid ${api.pid}, worker pid ${worker.pid}`);
  // A process that dies during the run is reported (and its clients' failed connections count as errors).
  const exits = [];
  const benchStarted = Date.now();
  for (const [role, child] of [['api', api], ['worker', worker]]) {
    child.on('exit', (code, signal) => exits.push(`${role} process exited after ${((Date.now() - benchStarted) / 1000).toFixed(0)} s (code ${code}, signal ${signal})`));
  }
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
      ['POST /v1/grants', () => timed('POST /v1/grants', () => post('/v1/grants', { principal: { type: 'User', id: `b${n++}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'h1' }, duration_seconds: GRANT_SECONDS_MIN + (n % GRANT_SECONDS_SPREAD) }))],
      [
        'approval',
        async () => {
          const id = `a${n++}`;
          let created;
          let grant;
          try {
            created = await post('/v1/grants', { principal: { type: 'User', id }, action: { type: 'Action', id: 'sudo' }, resource: { type: 'Host', id: 'db' }, requester_email: `${id}@example.com`, duration_seconds: GRANT_SECONDS_MIN + GRANT_SECONDS_SPREAD - 1 });
            grant = await created.json();
          } catch {
            return record('POST /v1/grants (pending)', 0, 0);
          }
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

    const samples = {};
    // RSS as found (wherever V8's collection cycle happens to be), then the parts right after a full collection.
    const sample = async (label) => {
      const found = { api: rssMb(api.pid), worker: rssMb(worker.pid) };
      const [apiKept, workerKept] = await Promise.all([collected(api, probes.api), collected(worker, probes.worker)]);
      samples[label] = { found, kept: { api: apiKept, worker: workerKept } };
    };
    await sample('start');
    // RSS as found and heap used (not collected) every 15 s, to show whether RSS levels off or keeps climbing.
    const series = { api: [], worker: [], timer: null };
    series.timer = setInterval(() => {
      for (const [proc, child] of [['api', api], ['worker', worker]]) {
        const heapUsed = readProbe(probes[proc])?.latest.heapUsed;
        series[proc].push(`${rssMb(child.pid).toFixed(0)}/${heapUsed === undefined ? '-' : (heapUsed / MB).toFixed(0)}`);
      }
    }, 15_000);
    const started = Date.now();
    const end = started + (WARMUP_SECONDS + SECONDS) * 1000;
    const later = (seconds, run) => new Promise((resolve, reject) => setTimeout(() => run().then(resolve, reject), seconds * 1000));
    const pendingSamples = [
      later(WARMUP_SECONDS, () => {
        stats.clear();
        errors = 0;
        return sample('after warm-up');
      }),
      later(WARMUP_SECONDS + SECONDS / 2, () => sample('middle')),
    ];
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < end && api.exitCode === null && api.signalCode === null) await pick()();
      }),
    );
    await Promise.all(pendingSamples);
    await sample('end');
    clearInterval(series.timer);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    await sample('idle');
    const measured = SECONDS;

    console.log(`memory bench: ${SEEDED.toLocaleString('en')} grants seeded, ${CLIENTS} clients, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured`);
    const labels = ['start', 'after warm-up', 'middle', 'end', 'idle'];
    const growth = {};
    const retained = {};
    console.log(`| process | start MB | after warm-up MB | middle MB | end MB | ${IDLE_SECONDS} s idle after the end MB | growth after warm-up (to end) |`);
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const proc of ['api', 'worker']) {
      const rss = (label) => samples[label].found[proc];
      const live = (label) => samples[label].kept[proc]?.heapUsed ?? NaN;
      growth[proc] = (rss('end') - rss('after warm-up')) / rss('after warm-up');
      retained[proc] = (live('end') - live('after warm-up')) / live('after warm-up');
      console.log(`| ${proc} | ${labels.map((label) => rss(label).toFixed(0)).join(' | ')} | ${(growth[proc] * 100).toFixed(1)}% |`);
    }
    console.log('\nAfter a full GC (MB): RSS = heap total (V8) + external + WebAssembly + rest (native allocations, code, stacks)');
    console.log('| process | sample | RSS | heap used | heap total | external | array buffers | WebAssembly | rest |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const proc of ['api', 'worker']) {
      for (const label of labels) {
        const kept = samples[label].kept[proc];
        if (!kept) continue;
        const cells = [kept.rss, kept.heapUsed, kept.heapTotal, kept.external, kept.arrayBuffers, kept.wasm, kept.rest].map((v) => v.toFixed(0));
        console.log(`| ${proc} | ${label} | ${cells.join(' | ')} |`);
      }
    }
    console.log('\nEvery 15 s from the start, RSS as found / V8 heap used, MB (neither collected)');
    for (const proc of ['api', 'worker']) console.log(`${proc}: ${series[proc].join(', ')}`);
    console.log('\nV8 heap spaces holding 1 MB or more after a full GC, committed/used MB: after warm-up -> end -> idle');
    for (const proc of ['api', 'worker']) {
      const points = ['after warm-up', 'end', 'idle'].map((label) => samples[label].kept[proc]?.spaces);
      if (points.some((space) => !space)) continue;
      const cell = ([size, used]) => `${(size / MB).toFixed(0)}/${(used / MB).toFixed(0)}`;
      const names = Object.keys(points[1]).filter((name) => points.some((space) => space[name][0] >= MB));
      console.log(`${proc}: ${names.map((name) => `${name} ${points.map((space) => cell(space[name])).join(' -> ')}`).join(', ')}`);
    }
    console.log('');
    console.log('| endpoint | requests | req/s | p50 ms | p99 ms | statuses |');
    console.log('| --- | ---: | ---: | ---: | ---: | --- |');
    for (const [name, entry] of [...stats].sort()) {
      const sorted = entry.times.sort((a, b) => a - b);
      const statuses = [...entry.statuses].sort().map(([s, c]) => `${s}: ${c}`).join(', ');
      console.log(`| ${name} | ${sorted.length} | ${(sorted.length / measured).toFixed(0)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${statuses} |`);
    }
    console.log(`errors (5xx or failed connections) after warm-up: ${errors}${errorSamples.length ? ` (${errorSamples.join('; ')})` : ''}`);
    for (const exit of exits) console.log(exit);
    const met = errors === 0 && exits.length === 0 && growth.api < 0.1 && growth.worker < 0.1;
    const pct = (value) => `${(value * 100).toFixed(1)}%`;
    console.log(`${met ? 'MET' : 'MISSED'}: zero 5xx (${errors}), RSS growth after warm-up under 10% (api ${pct(growth.api)}, worker ${pct(growth.worker)})`);
    console.log(`V8 heap used after a full GC (live objects), growth after warm-up: api ${pct(retained.api)}, worker ${pct(retained.worker)}`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    await database.drop();
    for (const file of Object.values(probes)) rmSync(file, { force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
