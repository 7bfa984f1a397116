// Decision latency of the policy engine against calling isAuthorized with the whole policy text per request, for
// tenants with 10, 100 and 1,000 rules, in one run. Usage: npm run build && npm run bench:decision
// Env: BENCH_REQUESTS (measured engine decisions per size, default 3000), BENCH_NAIVE (naive ones, default 300).
const path = require('node:path');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const CEDAR = path.join(__dirname, '..', 'dist', 'infra', 'cedar');
const DECISIONS = path.join(__dirname, '..', 'dist', 'modules', 'decisions');
const { CompiledPolicySet } = require(path.join(DECISIONS, 'compiled-policy-set.js'));
const { PreparsedSlots } = require(path.join(CEDAR, 'preparsed-sets.js'));
const { EntityGraph, uidKey } = require(path.join(DECISIONS, 'entity-graph.js'));
const { assembleRuleText, normalizeConditions, resolveScopes } = require(path.join(CEDAR, 'rule-scope.js'));

const SIZES = [10, 100, 1000];
const REQUESTS = Number(process.env.BENCH_REQUESTS || 3000);
const NAIVE = Number(process.env.BENCH_NAIVE || 300);

let seed = 7;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const pick = (items) => items[random(items.length)];
const u = (type, id) => ({ type, id });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** An organisation: 2,000 users in 100 teams in 10 departments, 1,000 hosts in 50 services in 3 environments. */
function organisation() {
  const entities = [];
  const departments = Array.from({ length: 10 }, (_x, i) => `dept-${i}`);
  const teams = Array.from({ length: 100 }, (_x, i) => `team-${i}`);
  const services = Array.from({ length: 50 }, (_x, i) => `svc-${i}`);
  const envs = ['prod', 'staging', 'dev'];
  for (const d of departments) entities.push({ uid: u('Group', d), attrs: {}, parents: [] });
  teams.forEach((t, i) => entities.push({ uid: u('Group', t), attrs: {}, parents: [u('Group', departments[i % 10])] }));
  entities.push({ uid: u('Group', 'contractors'), attrs: {}, parents: [] });
  const users = Array.from({ length: 2000 }, (_x, i) => `user-${i}`);
  users.forEach((id, i) => {
    const parents = [u('Group', teams[i % 100])];
    if (i % 17 === 0) parents.push(u('Group', 'contractors'));
    entities.push({ uid: u('User', id), attrs: { level: i % 5, team: teams[i % 100] }, parents });
  });
  for (const e of envs) entities.push({ uid: u('Env', e), attrs: {}, parents: [] });
  services.forEach((s, i) => entities.push({ uid: u('Service', s), attrs: { owner: teams[(i * 2) % 100] }, parents: [u('Env', envs[i % 3])] }));
  const hosts = Array.from({ length: 1000 }, (_x, i) => `host-${i}`);
  hosts.forEach((id, i) => entities.push({ uid: u('Host', id), attrs: { tier: i % 3 }, parents: [u('Service', services[i % 50])] }));
  entities.push({ uid: u('Action', 'sudo'), attrs: {}, parents: [u('Action', 'admin')] });
  entities.push({ uid: u('Action', 'ssh'), attrs: {}, parents: [u('Action', 'admin')] });
  return { entities, departments, teams, services, envs, users, hosts, actions: ['ssh', 'sudo', 'read', 'deploy'] };
}

/** The specific rules that make up most of a large tenant: team, person, department and service scoped. */
function ruleFields(org) {
  const shapes = [
    [40, () => ({ effect: 'permit', principalScopeType: 'in', principalEntityType: 'Group', principalEntityId: pick(org.teams), actionScopeType: 'in', actionIds: ['ssh', 'read'], resourceScopeType: 'in', resourceEntityType: 'Service', resourceEntityId: pick(org.services), conditions: `context.duration_seconds <= ${pick([3600, 14400])}` })],
    [20, () => ({ effect: 'permit', principalScopeType: 'eq', principalEntityType: 'User', principalEntityId: pick(org.users), actionScopeType: 'eq', actionIds: [pick(org.actions)], resourceScopeType: 'eq', resourceEntityType: 'Host', resourceEntityId: pick(org.hosts), conditions: null })],
    [12, () => ({ effect: 'permit', principalScopeType: 'is_in', principalEntityType: 'User', principalEntityId: `Group::"${pick(org.departments)}"`, actionScopeType: 'eq', actionIds: ['read'], resourceScopeType: 'is_in', resourceEntityType: 'Host', resourceEntityId: `Service::"${pick(org.services)}"`, conditions: 'context.justification like "*INC-*"' })],
    [10, () => ({ effect: 'forbid', principalScopeType: 'in', principalEntityType: 'Group', principalEntityId: pick(['contractors', pick(org.teams)]), actionScopeType: 'eq', actionIds: ['sudo'], resourceScopeType: 'in', resourceEntityType: 'Service', resourceEntityId: pick(org.services), conditions: 'context.duration_seconds > 3600' })],
    [10, () => ({ effect: 'permit', principalScopeType: 'in', principalEntityType: 'Group', principalEntityId: pick(org.teams), actionScopeType: 'in', actionIds: ['deploy', 'admin'], resourceScopeType: 'in', resourceEntityType: 'Service', resourceEntityId: pick(org.services), conditions: 'principal.level >= 2 && resource.tier < 2' })],
    [8, () => ({ effect: 'forbid', principalScopeType: 'is', principalEntityType: 'User', principalEntityId: null, actionScopeType: 'any', actionIds: [], resourceScopeType: 'in', resourceEntityType: 'Service', resourceEntityId: pick(org.services), conditions: `context.weekend && principal.level < ${random(4)}` })],
  ];
  const total = shapes.reduce((sum, [weight]) => sum + weight, 0);
  let roll = random(total);
  for (const [weight, make] of shapes) {
    if (roll < weight) return make();
    roll -= weight;
  }
  throw new Error('unreachable');
}

const BASELINE = [
  [100, { effect: 'forbid', principalScopeType: 'is', principalEntityType: 'User', principalEntityId: null, actionScopeType: 'any', actionIds: [], resourceScopeType: 'in', resourceEntityType: 'Env', resourceEntityId: 'prod', conditions: 'context.weekend && principal.level < 4' }],
  [100, { effect: 'forbid', principalScopeType: 'any', principalEntityType: null, principalEntityId: null, actionScopeType: 'any', actionIds: [], resourceScopeType: 'any', resourceEntityType: null, resourceEntityId: null, conditions: 'context.duration_seconds > 43200' }],
  [0, { effect: 'permit', principalScopeType: 'is', principalEntityType: 'User', principalEntityId: null, actionScopeType: 'eq', actionIds: ['read'], resourceScopeType: 'is', resourceEntityType: 'Host', resourceEntityId: null, conditions: 'context.justification like "*INC-*"' }],
];

/**
 * A tenant of `size` rules: the same three broad rules every organisation has (weekend and duration guard rails,
 * read access with an incident ticket), then specific rules in policies of 10 over three priority tiers.
 */
function tenant(size, org) {
  const policies = [];
  let ruleNo = 0;
  const makeRule = (fields, ordinal) => {
    fields.conditions = normalizeConditions(fields.conditions);
    const id = `00000000-0000-4000-8000-${String(ruleNo++).padStart(12, '0')}`;
    const policyText = assembleRuleText(id, fields.effect, resolveScopes(fields).scopes, fields.conditions);
    return { ...fields, id, ordinal, policyText, notice: null, auditSession: true };
  };
  const addPolicy = (priority, rules) =>
    policies.push({
      id: `10000000-0000-4000-8000-${String(policies.length).padStart(12, '0')}`,
      name: `policy ${policies.length}`,
      priority,
      createdAt: new Date(1_700_000_000_000 + policies.length),
      maxDurationSeconds: 86400,
      defaultDurationSeconds: null,
      notificationChannel: null,
      approvalRequired: false,
      approvalGroups: [],
      purposeJustificationRequired: false,
      purposeJustificationPrompt: null,
      approvalTimeoutSeconds: 86400,
      rules,
    });
  for (const [priority, fields] of BASELINE) addPolicy(priority, [makeRule({ ...fields }, 1)]);
  for (let p = 0; ruleNo < size; p += 1) {
    const priority = p % 10 === 9 ? 100 : p % 10 >= 7 ? 10 : 0;
    const rules = [];
    for (let r = 1; r <= 10 && ruleNo < size; r += 1) rules.push(makeRule(ruleFields(org), r));
    addPolicy(priority, rules);
  }
  return policies;
}

function requests(org, count) {
  return Array.from({ length: count }, () => ({
    principal: u('User', pick(org.users)),
    action: u('Action', pick(org.actions)),
    resource: u('Host', pick(org.hosts)),
    context: { duration_seconds: pick([900, 3600, 7200, 50000]), justification: pick(['', 'INC-42 outage']), requested_at: new Date().toISOString(), weekend: random(4) === 0 },
  }));
}

/** The naive call: isAuthorized parses the tenant's whole policy text on every request. */
function naiveCall(wholeText, graph, request) {
  const entities = graph.slice([uidKey(request.principal), uidKey(request.action), uidKey(request.resource)]);
  const answer = cedar.isAuthorized({ ...request, policies: { staticPolicies: wholeText }, entities });
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  return answer.response;
}

/** The reference decision (not timed): one isAuthorized per tier, highest priority first, as PRODUCT.md says. */
function tieredDecision(policies, graph, request) {
  const byPriority = new Map();
  for (const p of [...policies].sort((a, b) => b.priority - a.priority)) byPriority.set(p.priority, [...(byPriority.get(p.priority) || []), p]);
  for (const tierPolicies of byPriority.values()) {
    const text = tierPolicies.flatMap((p) => p.rules.map((r) => r.policyText)).join('\n');
    const response = naiveCall(text, graph, request);
    if (response.diagnostics.reason.length > 0) return response.decision;
  }
  return 'deny';
}

/** Counts what the engine hands Cedar: calls, and rules in the preparsed set of each call. */
function instrument() {
  const stats = { calls: 0, rules: 0 };
  const sizes = new Map();
  const preparse = cedar.preparsePolicySet;
  const stateful = cedar.statefulIsAuthorized;
  cedar.preparsePolicySet = (id, set) => {
    sizes.set(id, Object.keys(set.staticPolicies).length);
    return preparse(id, set);
  };
  cedar.statefulIsAuthorized = (call) => {
    stats.calls += 1;
    stats.rules += sizes.get(call.preparsedPolicySetId) || 0;
    return stateful(call);
  };
  return stats;
}

function time(fn) {
  const started = process.hrtime.bigint();
  const result = fn();
  return [Number(process.hrtime.bigint() - started) / 1000, result];
}

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${Math.round(us)} µs`);

function main() {
  const stats = instrument();
  const org = organisation();
  const graph = new EntityGraph(org.entities);
  const rows = [];
  for (const size of SIZES) {
    const policies = tenant(size, org);
    const wholeText = policies.flatMap((p) => p.rules.map((r) => r.policyText)).join('\n');
    const slots = { policies: new PreparsedSlots('policies', 4096), schemas: new PreparsedSlots('schema', 8) };
    const data = { tenantId: `bench-${size}`, version: 1n, policies, entities: org.entities, schema: null };
    const [buildUs, compiled] = time(() => new CompiledPolicySet(data));
    const distinct = requests(org, 1000);
    const cold = distinct.map((request) => time(() => compiled.evaluate(request, slots))[0]).sort((a, b) => a - b);
    stats.calls = 0;
    stats.rules = 0;
    const engine = [];
    for (let i = 0; i < REQUESTS; i += 1) engine.push(time(() => compiled.evaluate(distinct[i % distinct.length], slots))[0]);
    engine.sort((a, b) => a - b);
    const perDecision = { calls: stats.calls / REQUESTS, rules: stats.calls ? stats.rules / stats.calls : 0 };
    const naive = [];
    for (let i = 0; i < NAIVE; i += 1) naive.push(time(() => naiveCall(wholeText, graph, distinct[i % distinct.length]))[0]);
    naive.sort((a, b) => a - b);
    let mismatches = 0;
    let allows = 0;
    for (const request of distinct.slice(0, NAIVE)) {
      const decision = compiled.evaluate(request, slots).decision;
      if (decision === 'allow') allows += 1;
      if (decision !== tieredDecision(policies, graph, request)) mismatches += 1;
    }
    rows.push({ size, buildUs, cold, engine, naive, mismatches, allows, perDecision });
  }

  console.log(`Node ${process.version}, cedar-wasm ${cedar.getCedarVersion()}; ${org.entities.length} entities; ${REQUESTS} engine and ${NAIVE} naive decisions per size\n`);
  console.log('| rules | engine p50 | engine p99 | first-seen p50 | naive p50 | naive p99 | naive / engine (p50) | Cedar calls per decision | rules per call | compile | allowed | mismatches |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const ratio = percentile(r.naive, 50) / percentile(r.engine, 50);
    console.log(
      `| ${r.size} | ${fmt(percentile(r.engine, 50))} | ${fmt(percentile(r.engine, 99))} | ${fmt(percentile(r.cold, 50))} | ${fmt(percentile(r.naive, 50))} | ${fmt(percentile(r.naive, 99))} | ${ratio.toFixed(1)}x | ${r.perDecision.calls.toFixed(2)} | ${r.perDecision.rules.toFixed(1)} | ${fmt(r.buildUs)} | ${r.allows}/${NAIVE} | ${r.mismatches} |`,
    );
  }
  const small = percentile(rows[0].engine, 50);
  const large = rows[rows.length - 1];
  const speedup = percentile(large.naive, 50) / percentile(large.engine, 50);
  const growth = percentile(large.engine, 50) / small;
  console.log(`\ntarget: at ${large.size} rules the engine p50 is >= 10x faster than naive: ${speedup.toFixed(1)}x ${speedup >= 10 ? 'MET' : 'MISSED'}`);
  console.log(`target: at ${large.size} rules the engine p50 is <= 2x its ${rows[0].size}-rule p50: ${growth.toFixed(2)}x ${growth <= 2 ? 'MET' : 'MISSED'}`);
  if (rows.some((r) => r.mismatches > 0)) {
    console.log('MISMATCH: the engine and the tier-by-tier reference disagreed');
    process.exitCode = 1;
  }
}

main();
