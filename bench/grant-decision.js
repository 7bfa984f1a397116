// Request-to-decision latency of an auto-approved grant: POST /v1/grants to 201 active, one request at a time and
// with 10 in flight. Usage: npm run build && node bench/grant-decision.js
const { spawn } = require('node:child_process');
const path = require('node:path');
const { DIST, percentile, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const REQUESTS = Number(process.env.BENCH_REQUESTS || 1000);

async function main() {
  const database = await freshDatabase('decision');
  const env = benchEnv(database.url, { PORT: '3304' });
  const app = spawn(process.execPath, [path.join(DIST, 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
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
    const one = async (i) => {
      const started = process.hrtime.bigint();
      const response = await fetch(`${base}/v1/grants`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ principal: { type: 'User', id: `u${i}` }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: `h${i}` }, duration_seconds: 600 }),
      });
      const body = await response.json();
      if (response.status !== 201 || body.status !== 'active') throw new Error(`grant: ${response.status} ${JSON.stringify(body)}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 50; i += 1) await one(`warm${i}`);
    const sequential = [];
    for (let i = 0; i < REQUESTS; i += 1) sequential.push(await one(i));
    const concurrent = [];
    for (let i = 0; i < REQUESTS; i += 10) concurrent.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => one(`c${i + j}`)))));
    const row = (name, values) => {
      const sorted = values.sort((a, b) => a - b);
      return `| ${name} | ${values.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`;
    };
    console.log('request-to-decision latency, auto-approved grant (POST /v1/grants -> 201 active)');
    console.log('| mode | requests | p50 ms | p99 ms |');
    console.log('| --- | --- | --- | --- |');
    console.log(row('one at a time', sequential));
    console.log(row('10 in flight', concurrent));
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
