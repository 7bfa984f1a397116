import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host } from './support/grants';
import { AUDIENCE, newSigningKey, TestOidcProvider } from './support/oidc';
import type { RequestOptions } from './support/app';

const PEOPLE = [
  { id: 'ann', email: 'ann@example.com', groups: ['dev'] },
  { id: 'bob', email: 'bob@example.com', groups: ['dba'] },
  { id: 'cat', email: 'cat@example.com', groups: ['dba'] },
];
const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
const forPerson = (email: string, actionId = 'sudo') => ({ principal: { type: 'User', id: email }, action: action(actionId), resource: host('db1') });

describe('people request, approve, release and see their own grants', () => {
  const t = useTestApp({ IDENTITY_ALLOW_INSECURE_ISSUERS: 'true', RATE_LIMIT_AUTH_FAILURES_PER_IP: '0', IDENTITY_JWKS_COOLDOWN_SECONDS: '2' });
  let oidc: TestOidcProvider;
  let tenant: TestTenant;
  const as = (person: string) => async (options: RequestOptions) =>
    t.request({ ...options, headers: { authorization: `Bearer ${await oidc.tokenFor(person)}`, 'x-tenant-id': tenant.id, ...(options.headers ?? {}) } });
  const withKey = (key: string) => (options: RequestOptions) => t.request({ ...options, headers: { 'x-api-key': key, 'x-tenant-id': tenant.id, ...(options.headers ?? {}) } });
  const newKey = async (role: string, subject_email?: string) => (await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: `${role} ${subject_email ?? 'service'}`, role, subject_email } })).body as { id: string; key: string; subject_email: string | null };

  beforeAll(async () => {
    oidc = await TestOidcProvider.start({ people: PEOPLE });
    tenant = await createTenant(t);
    expect((await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'corp', type: 'oidc', issuer: oidc.issuer, audience: AUDIENCE } })).status).toBe(201);
    await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: { name: 'sudo needs a dba', max_duration_seconds: 3600, approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['bob@example.com', 'cat@example.com', 'ann@example.com'] }], rules: [{ ...ANY, action_scope_type: 'eq', action_ids: ['sudo'] }] },
    });
    await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'read is free', max_duration_seconds: 3600, rules: [{ ...ANY, action_scope_type: 'eq', action_ids: ['read'] }] } });
  });
  afterAll(async () => {
    await oidc?.close();
  });

  it('lets an approver see and decide what waits for them, as themselves only, audited as the person', async () => {
    const requested = await as('ann')({ method: 'POST', url: '/v1/grants', body: forPerson('ann@example.com') });
    expect(requested.body.status).toBe('pending_approval');
    const waiting = await as('bob')({ method: 'GET', url: '/v1/me/approvals' });
    expect(waiting.status).toBe(200);
    expect(waiting.body.data).toEqual([
      expect.objectContaining({ round: 0, grant: expect.objectContaining({ id: requested.body.id }), groups: [{ approvals_needed: 1, approvals: 0, members_count: 3 }], approval_deadline: expect.any(String) }),
    ]);
    expect((await as('ann')({ method: 'GET', url: '/v1/me/approvals' })).body.data).toEqual([]);

    const asOther = await as('bob')({ method: 'POST', url: `/v1/grants/${requested.body.id}/approvals`, body: { decision: 'approve', approver_email: 'cat@example.com' } });
    expect(asOther.status).toBe(403);
    const selfByToken = await as('ann')({ method: 'POST', url: `/v1/grants/${requested.body.id}/approvals`, body: { decision: 'approve' } });
    expect(selfByToken.status).toBe(403);
    const annKey = await newKey('approver', 'ann@example.com');
    const selfByKey = await withKey(annKey.key)({ method: 'POST', url: `/v1/grants/${requested.body.id}/approvals`, body: { decision: 'approve' } });
    expect(selfByKey.status).toBe(403);
    expect(selfByKey.body.message).toContain('own request');

    const approved = await as('bob')({ method: 'POST', url: `/v1/grants/${requested.body.id}/approvals`, body: { decision: 'approve', comment: 'ok' } });
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ status: 'active', approvals: [{ approver_email: 'bob@example.com', decision: 'approve' }] });
    const audit = await tenant.admin({ method: 'GET', url: `/v1/audit/events?target_id=${requested.body.id}&action=approval.recorded` });
    expect(audit.body.data[0].actor).toEqual({ type: 'person', id: 'corp/bob', email: 'bob@example.com' });
    expect((await as('bob')({ method: 'GET', url: '/v1/me/approvals' })).body.data).toEqual([]);
  });

  it('binds keys to their subject, audits service keys with the asserted email and key id, and has a checker role', async () => {
    const annRequester = await newKey('requester', 'Ann@Example.com');
    expect(annRequester.subject_email).toBe('ann@example.com');
    expect((await withKey(annRequester.key)({ method: 'POST', url: '/v1/grants', body: forPerson('bob@example.com', 'read') })).status).toBe(403);
    const own = await withKey(annRequester.key)({ method: 'POST', url: '/v1/grants', body: forPerson('ann@example.com', 'read') });
    expect(own.body).toMatchObject({ status: 'active', requester_email: 'ann@example.com' });

    // The principal is taken from the token or the key's subject when left out; a service key must name one.
    const { principal: _left, ...triple } = forPerson('ann@example.com', 'read');
    const fromToken = await as('ann')({ method: 'POST', url: '/v1/grants', body: triple });
    expect(fromToken.body).toMatchObject({ status: 'active', principal: { type: 'User', id: 'ann@example.com' }, requester_email: 'ann@example.com' });
    const fromKey = await withKey(annRequester.key)({ method: 'POST', url: '/v1/grants', body: triple });
    expect(fromKey.body).toMatchObject({ status: 'active', principal: { type: 'User', id: 'ann@example.com' } });
    const unnamed = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: triple });
    expect(unnamed).toMatchObject({ status: 400, body: { code: 'invalid_input', details: { fields: { principal: ['principal is required with a service key'] } } } });
    const sameKeyOtherPerson = { 'idempotency-key': 'portal-retry-1' };
    const annOnce = await as('ann')({ method: 'POST', url: '/v1/grants', body: triple, headers: sameKeyOtherPerson });
    const catOnce = await as('cat')({ method: 'POST', url: '/v1/grants', body: triple, headers: sameKeyOtherPerson });
    expect(annOnce.status).toBe(201);
    expect(catOnce).toMatchObject({ status: 409, body: { details: { fields: { 'Idempotency-Key': [expect.stringContaining('different request')] } } } });

    const pending = await as('ann')({ method: 'POST', url: '/v1/grants', body: forPerson('ann@example.com') });
    const bobKey = await newKey('approver', 'bob@example.com');
    expect((await withKey(bobKey.key)({ method: 'POST', url: `/v1/grants/${pending.body.id}/approvals`, body: { decision: 'deny', approver_email: 'cat@example.com' } })).status).toBe(403);
    const service = await newKey('approver');
    expect((await withKey(service.key)({ method: 'POST', url: `/v1/grants/${pending.body.id}/approvals`, body: { decision: 'approve' } })).status).toBe(400);
    const decided = await withKey(service.key)({ method: 'POST', url: `/v1/grants/${pending.body.id}/approvals`, body: { decision: 'approve', approver_email: 'cat@example.com' } });
    expect(decided.body.status).toBe('active');
    const audit = await tenant.admin({ method: 'GET', url: `/v1/audit/events?target_id=${pending.body.id}&action=approval.recorded` });
    expect(audit.body.data[0].actor).toEqual({ type: 'api_key', id: service.id, email: 'cat@example.com' });

    const checker = await newKey('checker');
    const check = await withKey(checker.key)({ method: 'POST', url: '/v1/access/check', body: forPerson('ann@example.com', 'read') });
    expect(check.status).toBe(200);
    expect(check.body.allowed).toBe(true);
    expect((await withKey(checker.key)({ method: 'GET', url: '/v1/grants' })).status).toBe(403);
    expect((await withKey(checker.key)({ method: 'POST', url: '/v1/policies/simulate', body: forPerson('ann@example.com', 'read') })).status).toBe(403);
  });

  it('shows people their own grants and lets them release them, admins anyone\'s', async () => {
    const mine = await as('cat')({ method: 'POST', url: '/v1/grants', body: forPerson('cat@example.com', 'read') });
    const pending = await as('cat')({ method: 'POST', url: '/v1/grants', body: forPerson('cat@example.com') });
    const theirs = await as('ann')({ method: 'POST', url: '/v1/grants', body: forPerson('ann@example.com', 'read') });

    const listed = await as('cat')({ method: 'GET', url: '/v1/me/grants' });
    expect(listed.body.data.map((g: { id: string }) => g.id).sort()).toEqual([mine.body.id, pending.body.id].sort());
    expect((await as('cat')({ method: 'GET', url: '/v1/me/grants?status=active' })).body.data.map((g: { id: string }) => g.id)).toEqual([mine.body.id]);
    const all = await as('cat')({ method: 'GET', url: '/v1/grants' });
    expect(all.body.data.map((g: { id: string }) => g.id)).not.toContain(theirs.body.id);
    expect((await as('cat')({ method: 'GET', url: `/v1/grants/${theirs.body.id}` })).status).toBe(404);
    expect((await tenant.as('requester')({ method: 'GET', url: '/v1/me/grants' })).status).toBe(403);

    expect((await as('cat')({ method: 'POST', url: `/v1/grants/${theirs.body.id}/release` })).status).toBe(403);
    const released = await as('cat')({ method: 'POST', url: `/v1/grants/${mine.body.id}/release` });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'revoked', ended_reason: 'released by requester' });
    const cancelled = await as('cat')({ method: 'POST', url: `/v1/grants/${pending.body.id}/release` });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', ended_reason: 'cancelled by requester' });
    expect((await as('cat')({ method: 'POST', url: `/v1/grants/${mine.body.id}/release` })).status).toBe(409);
    const check = await tenant.admin({ method: 'POST', url: '/v1/access/check', body: forPerson('cat@example.com', 'read') });
    expect(check.body.allowed).toBe(false);

    const byAdmin = await tenant.admin({ method: 'POST', url: `/v1/grants/${theirs.body.id}/release` });
    expect(byAdmin.body).toMatchObject({ status: 'revoked', ended_reason: 'released by requester' });
    const me = await tenant.as('requester')({ method: 'GET', url: '/v1/me' });
    expect(me.body).toMatchObject({ email: null, roles: ['requester'], key_id: expect.any(String) });
  });

  it('tells a signed-in portal user what a request needs before they submit it', async () => {
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'dbas', emails: ['x@example.com', 'y@example.com'] } });
    await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: {
        name: 'restart',
        max_duration_seconds: 7200,
        default_duration_seconds: 1800,
        purpose_justification_required: true,
        purpose_justification_prompt: 'Which ticket?',
        approval_required: true,
        approval_groups: [{ approvals_needed: 2, email_list_uuid: list.body.id, email_addresses: ['z@example.com'] }],
        rules: [{ ...ANY, principal_scope_type: 'in', principal_entity_type: 'IdpGroup', principal_entity_id: 'corp/dba', action_scope_type: 'eq', action_ids: ['restart'] }],
      },
    });
    const simulated = await as('bob')({ method: 'POST', url: '/v1/policies/simulate', body: forPerson('bob@example.com', 'restart') });
    expect(simulated.status).toBe(200);
    expect(simulated.body).toMatchObject({
      decision: 'allow',
      approval_required: true,
      purpose_justification_required: true,
      purpose_justification_prompt: 'Which ticket?',
      max_duration_seconds: 7200,
      default_duration_seconds: 1800,
      duration_seconds: 1800,
      approval_groups: [{ approvals_needed: 2, members_count: 3 }],
    });
    expect((await as('ann')({ method: 'POST', url: '/v1/policies/simulate', body: forPerson('ann@example.com', 'restart') })).body.decision).toBe('deny');
  });

  it('follows key rotation: a new kid refetches the keys, at most once per cooldown (2 s here, 60 s by default)', async () => {
    const second = await TestOidcProvider.start({ people: PEOPLE });
    try {
      expect((await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'rotating', type: 'oidc', issuer: second.issuer, audience: AUDIENCE } })).status).toBe(201);
      const me = async (token: string) => t.request({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant.id } });
      expect((await me(await second.tokenFor('ann'))).status).toBe(200);
      const [old] = second.keys;
      second.rotate([await newSigningKey('key-2'), old]);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const rotated = await me(await second.tokenFor('bob'));
      expect(rotated.status).toBe(200);
      expect(rotated.body.email).toBe('bob@example.com');
      // Within the cooldown another unknown kid does not fetch again, even though the provider now publishes it.
      second.rotate([await newSigningKey('key-3')]);
      const third = await me(await second.tokenFor('cat'));
      expect(third.status).toBe(401);
      expect(third.body.details.reason).toBe('unknown_key');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await me(await second.tokenFor('cat'))).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
