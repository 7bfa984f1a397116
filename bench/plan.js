// Plan of a policy bundle (PRODUCT.md section 17) against a tenant with many active grants and pending requests:
// wall time of POST /v1/policy-bundles/plan and the API process's peak memory, MET/MISSED against 10 s and 1 GB.
// Usage: npm run build && node bench/plan.js
// Env: BENCH_RULES (default 1000), BENCH_ACTIVE (active grants, default 100000), BENCH_PENDING (pending requests,
// default 10000). The grants are inserted with SQL (their creation is not what is measured); the impact is computed
// by the service, with the decision engine's code, as for any plan.
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { DIST, freshDatabase, benchEnv, waitForHttp, tenantWithKey } = require('./support');

const RULES = Number(process.env.BENCH_RULES || 1000);
const ACTIVE = Number(process.env.BENCH_ACTIVE || 100000);
const PENDING = Number(process.env.BENCH_PENDING || 10000);
const TARGET_MS = 10_000;
const TARGET_BYTES = 1024 ** 3;

let seed = 11;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const pick = (items) => items[random(items.length)];
const uid = (type, id) => ({ type, id });

const teams = Array.from({ length: 100 }, (_x, i) => `team-${i}`);
const services = Array.from({ length: 50 }, (_x, i) => `svc-${i}`);
const users = Array.from({ length: 2000 }, (_x, i) => `user-${i}`);
const hosts = Array.from({ length: 1000 }, (_x, i) => `host-${i}`);
const actions = ['ssh', 'sudo', 'read', 'deploy'];

function entities() {
  return [
    ...teams.map((t) => ({ uid: uid('Group', t), attrs: {}, parents: [] })),
    ...services.map((s) => ({ uid: uid('Service', s), attrs: {}, parents: [] })),
    ...users.map((u, i) => ({ uid: uid('User', u), attrs: { level: i % 5 }, parents: [uid('Group', teams[i % 100])] })),
    ...hosts.map((h, i) => ({ uid: uid('Host', h), attrs: { tier: i % 3 }, parents: [uid('Service', services[i % 50])] })),
  ];
}

function rule() {
  const roll = random(100);
  if (roll < 50) return { effect: 'permit', principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: pick(teams), action_scope_type: 'in', action_ids: ['ssh', 'read'], resource_scope_type: 'in', resource_entity_type: 'Service', resource_entity_id: pick(services), conditions: `context.duration_seconds <= ${pick([3600, 14400])}` };
  if (roll < 75) return { effect: 'permit', principal_scope_type: 'eq', principal_entity_type: 'User', principal_entity_id: pick(users), action_scope_type: 'eq', action_ids: [pick(actions)], resource_scope_type: 'eq', resource_entity_type: 'Host', resource_entity_id: pick(hosts) };
  if (roll < 90) return { effect: 'forbid', principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: pick(teams), action_scope_type: 'eq', action_ids: ['sudo'], resource_scope_type: 'in', resource_entity_type: 'Service', resource_entity_id: pick(services), conditions: 'context.duration_seconds > 3600', notice: 'no long sudo' };
  return { effect: 'permit', principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: pick(teams), action_scope_type: 'eq', action_ids: ['deploy'], resource_scope_type: 'in', resource_entity_type: 'Service', resource_entity_id: pick(services), conditions: 'principal.level >= 2 && resource.tier < 2' };
}

/** `RULES` rules in policies of 10 over three priorities; every fifth policy needs approval. */
function bundle() {
  const policies = [];
  for (let i = 0; i * 10 < RULES; i += 1) {
    const count = Math.min(10, RULES - i * 10);
    policies.push({
      name: `policy-${i}`,
      priority: [0, 10, 100][i % 3],
      max_duration_seconds: 14400,
      approval_required: i % 5 === 0,
      approval_groups: i % 5 === 0 ? [{ approvals_needed: 1, email_list: 'approvers' }] : [],
      rules: Array.from({ length: count }, rule),
    });
  }
  return { version: 1, email_lists: [{ name: 'approvers', emails: ['a@example.com', 'b@example.com'] }], policies, entities: entities(), tests: [] };
}

async function call(base, key, tenantId, method, url, body) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-tenant-id': tenantId },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** Active grants and pending requests straight into the table, spread over the organisation. */
async function seedGrants(databaseUrl, tenantId) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const insert = async (count, status) => {
    for (let done = 0; done < count; done += 5000) {
      const n = Math.min(5000, count - done);
      const rows = Array.from({ length: n }, () => [pick(users), pick(actions), pick(hosts)]);
      await client.query(
        `INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id,
           duration_seconds, context, determining_rule_ids, notices, approval_groups, created_at, activated_at, expires_at, approval_deadline)
         SELECT gen_random_uuid(), $1::uuid, $2, 'User', r.p, 'Action', r.a, 'Host', r.h, 3600, '{}'::jsonb, '{}', '{}',
           CASE WHEN $2 = 'pending_approval' THEN '[{"approvals_needed":1,"members":["a@example.com","b@example.com"]}]'::jsonb ELSE '[]'::jsonb END,
           now(), CASE WHEN $2 = 'active' THEN now() END, CASE WHEN $2 = 'active' THEN now() + interval '1 day' END,
           CASE WHEN $2 = 'pending_approval' THEN now() + interval '1 day' END
         FROM unnest($3::text[], $4::text[], $5::text[]) AS r(p, a, h)`,
        [tenantId, status, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
      );
    }
  };
  await insert(ACTIVE, 'active');
  await insert(PENDING, 'pending_approval');
  await client.end();
}

/** Peak and current resident memory of a process (Linux /proc), in bytes. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number((new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status) ?? [])[1] ?? NaN) * 1024;
  return { peak: kb('VmHWM'), rss: kb('VmRSS') };
}

async function main() {
  const database = await freshDatabase('plan');
  const port = 3900 + (process.pid % 90);
  const env = benchEnv(database.url, { PORT: String(port), PROCESS_ROLE: 'api', BODY_LIMIT_BYTES: String(16 * 1024 * 1024), RATE_LIMIT_PER_IP: '10000000', RATE_LIMIT_PER_KEY: '10000000' });
  const flags = (process.env.BENCH_NODE_FLAGS || '').split(' ').filter(Boolean);
  const app = spawn(process.execPath, [...flags, path.join(DIST, 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/health/live`);
    const { tenantId, key } = await tenantWithKey(base, env, 'admin');
    const live = bundle();
    const first = await call(base, key, tenantId, 'POST', '/v1/policy-bundles/plan', live);
    await fetch(`${base}/v1/policy-bundles/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-tenant-id': tenantId, 'if-match': `"${first.policy_set_version}"` },
      body: JSON.stringify(live),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`apply: ${r.status} ${(await r.text()).slice(0, 500)}`);
    });
    await seedGrants(database.url, tenantId);
    const exported = await call(base, key, tenantId, 'GET', '/v1/policy-bundles/current');
    console.log(`export of the live bundle: ${exported.policies.length} policies, ${exported.entities.length} entities`);
    // The draft: one policy closed by a forbid, every third policy's maximum lowered, a new policy.
    const draft = JSON.parse(JSON.stringify(live));
    draft.policies[0].rules.push({ effect: 'forbid', principal_scope_type: 'any', action_scope_type: 'eq', action_ids: ['sudo'], resource_scope_type: 'any', notice: 'sudo is frozen' });
    draft.policies.filter((_p, i) => i % 3 === 0).forEach((p) => (p.max_duration_seconds = 1800));
    draft.policies.push({ name: 'new', max_duration_seconds: 3600, rules: [rule()] });
    draft.tests = [{ name: 'frozen', principal: uid('User', users[0]), action: uid('Action', 'sudo'), resource: uid('Host', hosts[0]), expect: 'deny' }];
    const before = memoryOf(app.pid);
    const started = process.hrtime.bigint();
    const plan = await call(base, key, tenantId, 'POST', '/v1/policy-bundles/plan', draft);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const after = memoryOf(app.pid);
    const counts = `${plan.impact.active_denied.length} active denied, ${plan.impact.pending_denied.length} pending denied, ${plan.impact.pending_rerouted.length} rerouted`;
    console.log(`plan of ${RULES} rules against ${ACTIVE} active grants and ${PENDING} pending requests: ${counts}`);
    console.log(`wall time: ${wallMs.toFixed(0)} ms  ${wallMs < TARGET_MS ? 'MET' : 'MISSED'} (target < ${TARGET_MS} ms)`);
    console.log(`API process memory: rss before ${(before.rss / 2 ** 20).toFixed(0)} MiB, peak ${(after.peak / 2 ** 20).toFixed(0)} MiB  ${after.peak < TARGET_BYTES ? 'MET' : 'MISSED'} (target < 1024 MiB)`);
  } finally {
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
