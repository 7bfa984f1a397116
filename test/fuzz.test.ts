import fc from 'fast-check';
import { OPERATOR_KEY } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { permitPolicy, user, action, host } from './support/grants';
import { FuzzCase, FuzzContext, fuzzCase, Operation, operationsOf } from './support/fuzz-requests';

/**
 * Property: whatever arrives at any operation of /openapi.json (hostile values in otherwise plausible bodies, random
 * JSON, raw payloads with any content type, bad path parameters and queries, wrong keys), the answer is below 500,
 * an error is the error shape, and the service stays healthy. FUZZ_RUNS sets the cases per operation (CI: 60;
 * `FUZZ_RUNS=2000 npx jest test/fuzz.test.ts` for a long run). FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

interface Failure {
  operation: string;
  status: number;
  request: string;
  response: string;
}

describe('fuzzing every operation', () => {
  const t = useTestApp({ RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_AUTH_FAILURES_PER_IP: '0' });
  let tenant: TestTenant;
  let context: FuzzContext;
  let operations: Operation[];

  beforeAll(async () => {
    tenant = await createTenant(t);
    const policyId = await permitPolicy(tenant, 'alice', 'ssh', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }] });
    const policy = await tenant.admin({ method: 'GET', url: `/v1/policies/${policyId}` });
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'ops', emails: ['ops@example.com'] } });
    const channel = await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: { name: 'hook', type: 'webhook', config: { url: 'https://example.com/hook', secret: 'webhook-secret-0123456789abcdef-XYZ' } } });
    await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: user('alice'), attrs: {}, parents: [] }] });
    const grant = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('web-1'), justification: 'fuzz', requester_email: 'alice@example.com' } });
    const keys = await tenant.admin({ method: 'GET', url: '/v1/api-keys?limit=500' });
    const adminKeyId = tenant.keys.admin.split('_')[1];
    const triple = { principal: user('alice'), action: action('ssh'), resource: host('web-1') };
    const rule = { effect: 'permit', principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: 'devs', action_scope_type: 'in', action_ids: ['ssh', 'sudo'], resource_scope_type: 'is', resource_entity_type: 'Host', conditions: 'context.duration_seconds <= 3600 && context.ticket like "INC-*"', notice: 'n' };
    const seeds: Record<string, unknown> = {
      'POST /v1/tenants': { name: 'fuzzed' },
      'POST /v1/tenants/{id}/api-keys': { name: 'k', role: 'auditor' },
      'POST /v1/api-keys': { name: 'k', role: 'auditor' },
      'POST /v1/email-lists': { name: 'list', emails: ['a@example.com', 'b@example.com'] },
      'PATCH /v1/email-lists/{id}': { name: 'list2', emails: ['c@example.com'] },
      'POST /v1/notification-channels': { name: 'ch', type: 'webhook', config: { url: 'https://example.com/h', secret: 'webhook-secret-0123456789abcdef-XYZ' }, event_filters: ['grant.activated'] },
      'PATCH /v1/notification-channels/{id}': { config: { url: 'https://example.com/h2' }, event_filters: ['grant.revoked'] },
      'POST /v1/policies': { name: 'p', description: 'd', priority: 10, max_duration_seconds: 3600, default_duration_seconds: 600, approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }], purpose_justification_required: true, purpose_justification_prompt: 'why?', notification_channel: 'hook', rules: [rule] },
      'PATCH /v1/policies/{policyId}': { priority: 20, max_duration_seconds: 7200, rules: [rule] },
      'POST /v1/policies/{policyId}/rules': rule,
      'PATCH /v1/policies/{policyId}/rules/{ruleId}': { conditions: 'context.x == 1', notice: 'changed' },
      'PATCH /v1/policies/{policyId}/rules/reorder': { ids: [policy.body.rules[0].id] },
      'POST /v1/policies/simulate': { ...triple, context: { ticket: 'INC-1', n: 5, tags: ['a'] }, duration_seconds: 600 },
      'PUT /v1/entities': [{ uid: user('bob'), attrs: { dept: 'eng', level: 3, tags: ['a'], manager: { __entity: { type: 'User', id: 'alice' } }, ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } } }, parents: [{ type: 'Group', id: 'devs' }] }],
      'PUT /v1/schema': { schema: 'entity User in [Group]; entity Group; entity Host; action ssh appliesTo { principal: User, resource: Host };' },
      'POST /v1/grants': { ...triple, duration_seconds: 600, justification: 'incident', context: { ticket: 'INC-1' }, requester_email: 'alice@example.com' },
      'POST /v1/grants/{id}/revoke': { reason: 'done' },
      'POST /v1/grants/{id}/extend': { duration_seconds: 60 },
      'POST /v1/grants/{id}/approvals': { approver_email: 'boss@example.com', decision: 'approve', comment: 'ok' },
      'POST /v1/access/check': triple,
    };
    context = {
      tenantId: tenant.id,
      seeds,
      // The tenant id is the account_id of the Cloudflare routes.
      ids: [tenant.id, policyId, policy.body.rules[0].id, list.body.id, channel.body.id, grant.body.id, ...keys.body.data.map((k: { id: string }) => k.id).filter((id: string) => id !== adminKeyId)],
      keys: { admin: tenant.keys.admin, requester: tenant.keys.requester, auditor: tenant.keys.auditor, operator: OPERATOR_KEY },
    };
    const spec = await t.request({ method: 'GET', url: '/openapi.json' });
    operations = operationsOf(spec.body);
  }, 120_000);

  it('covers every operation of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('never answers 5xx, always in the error shape, and stays healthy', async () => {
    const failures: Failure[] = [];
    const statuses = new Map<string, number>();
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(fuzzCase(operation, context), async (request: FuzzCase) => {
          const response = await t.app.inject({ method: operation.method, url: request.url, headers: request.headers, payload: request.payload });
          const key = `${operation.method} ${operation.path} ${response.statusCode}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          const html = operation.path.startsWith('/approvals/') || operation.path === '/metrics' || request.url.startsWith('/docs');
          let shapeOk = true;
          if (response.statusCode >= 400 && !html) {
            try {
              const body = JSON.parse(response.body) as { code?: unknown; message?: unknown; success?: unknown; errors?: { code?: unknown; message?: unknown }[] };
              // The Cloudflare routes answer errors in Cloudflare's envelope (README "Cloudflare Access API").
              shapeOk = operation.path.startsWith('/client/v4/')
                ? body.success === false && Array.isArray(body.errors) && body.errors.length > 0 && body.errors.every((e) => Number.isInteger(e.code) && (e.code as number) >= 1000 && typeof e.message === 'string')
                : typeof body.code === 'string' && typeof body.message === 'string';
            } catch {
              shapeOk = false;
            }
          }
          if (response.statusCode >= 500 || !shapeOk) {
            failures.push({
              operation: `${operation.method} ${operation.path}`,
              status: response.statusCode,
              request: JSON.stringify({ url: request.url.slice(0, 300), headers: request.headers, payload: request.payload?.slice(0, 300) }),
              response: response.body.slice(0, 300),
            });
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    if (process.env.FUZZ_VERBOSE) process.stdout.write(`${[...statuses].map(([k, n]) => `${k}: ${n}`).join('\n')}\n`);
    const distinct = [...new Map(failures.map((f) => [`${f.operation} ${f.status}`, f])).values()];
    expect(distinct).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/health/ready' })).status).toBe(200);
    const check = await tenant.admin({ method: 'POST', url: '/v1/access/check', body: { principal: user('alice'), action: action('ssh'), resource: host('web-1') } });
    expect(check.status).toBe(200);
  }, 900_000);
});
