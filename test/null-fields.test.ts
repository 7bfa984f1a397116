import { useTestApp } from './support/use-test-app';
import { createTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

/**
 * Hostile input (PRODUCT.md section 12): `null` where an optional field of a write endpoint is expected is a 400, or
 * the field's documented "none" (`description: null`, `conditions: null`...), never a 500. `@IsOptional()` lets null
 * through to the service, which is how `principal: null` became a 500 on POST /v1/grants (hostile-input.test.ts).
 */
describe('null in every optional field of the write endpoints', () => {
  const t = useTestApp();
  it('is never answered with a 5xx', async () => {
    const tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['b@example.com'] }] });
    await permitPolicy(tenant, 'alice', 'read');
    const pending = (await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('h') } })).body.id;
    const active = (await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('read'), resource: host('h'), duration_seconds: 60 } })).body.id;
    const out: unknown[] = [];
    const probe = async (method: 'POST' | 'PATCH', url: string, base: Record<string, unknown>, fields: string[]) => {
      for (const f of fields) {
        const r = await tenant.admin({ method, url, body: { ...base, [f]: null } });
        out.push([url, f, r.status, r.status >= 500 ? r.text : '']);
      }
    };
    await probe('POST', `/v1/grants/${pending}/approvals`, { decision: 'approve', approver_email: 'b@example.com' }, ['approver_email', 'comment']);
    await probe('POST', `/v1/grants/${active}/extend`, { duration_seconds: 30 }, ['justification']);
    await probe('POST', `/v1/grants/${active}/revoke`, {}, ['reason']);
    await probe('POST', '/v1/identity-providers', { name: 'x', type: 'oidc', issuer: 'https://login.example.com', audience: 'a' }, ['jwks_uri', 'claims', 'admin_groups', 'auditor_groups', 'client_id']);
    await probe('POST', '/v1/notification-channels', { name: 'c', type: 'webhook', config: { url: 'https://hooks.example.com/x', secret: 'abcdefghijklmnopqrstuvwxyz012345' } }, ['event_filters']);
    const rule = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
    await probe('POST', '/v1/policies', { name: 'p', max_duration_seconds: 60, rules: [rule] }, ['description', 'enabled', 'priority', 'default_duration_seconds', 'notification_channel', 'approval_required', 'approval_groups', 'purpose_justification_required', 'purpose_justification_prompt', 'approval_timeout_seconds', 'rules']);
    for (const f of ['ordinal', 'policy_text', 'effect', 'principal_scope_type', 'principal_entity_type', 'action_ids', 'conditions', 'notice', 'audit_session']) {
      const r = await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: `p-${f}`, max_duration_seconds: 60, rules: [{ ...rule, [f]: null }] } });
      out.push(['rule', f, r.status, r.status >= 500 ? r.text : '']);
    }
    const r = await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'g', max_duration_seconds: 60, approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: null, email_list_uuid: null }], rules: [rule] } });
    out.push(['group', 'email_addresses', r.status, r.status >= 500 ? r.text : '']);
    expect(out.filter((o) => (o as number[])[2] >= 500)).toEqual([]);
  });
});
