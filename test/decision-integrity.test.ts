import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, user } from './support/grants';

/** PRODUCT.md section 14, faults 2, 3, 4, 7 and 8 of issue 10, over HTTP against the real engine and database. */
describe('decision integrity', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api' });

  const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
  const policy = async (tenant: TestTenant, body: Record<string, unknown>) => {
    const response = await tenant.admin({ method: 'POST', url: '/v1/policies', body: { max_duration_seconds: 3600, ...body } });
    expect(response.status).toBe(201);
    return response.body;
  };
  const triple = (actionId = 'ssh') => ({ principal: user('alice'), action: action(actionId), resource: host('db1') });
  const simulate = (tenant: TestTenant, body: Record<string, unknown> = {}) => tenant.admin({ method: 'POST', url: '/v1/policies/simulate', body: { ...triple(), ...body } });
  const request = (tenant: TestTenant, body: Record<string, unknown> = {}) => tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...triple(), ...body } });
  const grantCount = async (tenant: TestTenant) => (await tenant.as('auditor')({ method: 'GET', url: '/v1/grants?limit=500' })).body.data.length as number;

  describe('a forbid whose evaluation errors denies (fault 2)', () => {
    it('with a type error: simulate and the request deny, say why, and the audit event keeps the errors', async () => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'open', rules: [ANY] });
      const forbid = await policy(tenant, { name: 'no prod', rules: [{ ...ANY, effect: 'forbid', conditions: 'context.env in ["prod", "staging"]', notice: 'not in prod' }] });
      const simulated = await simulate(tenant, { context: { env: 'prod' } });
      expect(simulated.body).toMatchObject({ decision: 'deny', determining_rule_ids: [forbid.rules[0].id] });
      expect(simulated.body.evaluation_errors).toEqual([expect.objectContaining({ rule_id: forbid.rules[0].id, policy_id: forbid.id, effect: 'forbid' })]);
      expect(simulated.body.notices).toEqual(['not in prod', expect.stringMatching(/could not be evaluated .*denies$/)]);
      const requested = await request(tenant, { context: { env: 'prod' } });
      expect(requested.status).toBe(403);
      expect(requested.body).toMatchObject({ code: 'access_denied', details: { evaluation_errors: [expect.objectContaining({ rule_id: forbid.rules[0].id })] } });
      expect(requested.body.notices).toHaveLength(2);
      const events = (await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${requested.body.details.grant_id}&order=asc` })).body.data;
      expect(events[0]).toMatchObject({ action: 'grant.requested', data: { status: 'denied', evaluation_errors: [expect.objectContaining({ rule_id: forbid.rules[0].id })] } });
    });

    it('with an attribute the request lacks', async () => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'open', rules: [ANY] });
      await policy(tenant, { name: 'contractors', rules: [{ ...ANY, effect: 'forbid', conditions: 'principal.contractor' }] });
      expect((await simulate(tenant)).body.decision).toBe('deny');
      expect((await request(tenant)).status).toBe(403);
      await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: user('alice'), attrs: { contractor: false }, parents: [] }] });
      expect((await simulate(tenant)).body).toMatchObject({ decision: 'allow', evaluation_errors: [] });
    });

    it('a permit that errors permits nothing and says so', async () => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'ticketed', rules: [{ ...ANY, conditions: 'context.ticket like "INC-*"' }] });
      const simulated = await simulate(tenant);
      expect(simulated.body).toMatchObject({ decision: 'deny', determining_rule_ids: [], evaluation_errors: [expect.objectContaining({ effect: 'permit' })] });
      expect(simulated.body.notices[0]).toMatch(/permits nothing/);
      expect((await simulate(tenant, { context: { ticket: 'INC-1' } })).body.decision).toBe('allow');
    });
  });

  describe('the duration granted is the duration decided (fault 3)', () => {
    it('evaluates the default of the policy that governs at that default, so a forbid on long grants holds', async () => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'short', priority: 100, default_duration_seconds: 1800, rules: [{ ...ANY, conditions: 'context.duration_seconds < 1800' }] });
      await policy(tenant, { name: 'long', priority: 10, max_duration_seconds: 86400, default_duration_seconds: 86400, rules: [ANY] });
      await policy(tenant, { name: 'cap', priority: 10, rules: [{ ...ANY, effect: 'forbid', conditions: 'context.duration_seconds > 3600', notice: 'at most an hour' }] });
      expect((await simulate(tenant)).body).toMatchObject({ decision: 'deny', notices: ['at most an hour'] });
      const requested = await request(tenant);
      expect(requested.status).toBe(403);
      expect(requested.body.notices).toEqual(['at most an hour']);
      expect((await request(tenant, { duration_seconds: 3600 })).body).toMatchObject({ status: 'active', duration_seconds: 3600 });
    });

    it('stores the fixed point: the default of the policy that governs at that very duration', async () => {
      const tenant = await createTenant(t);
      const long = await policy(tenant, { name: 'long', priority: 100, default_duration_seconds: 2400, rules: [{ ...ANY, conditions: 'context.duration_seconds >= 1200' }] });
      await policy(tenant, { name: 'short', priority: 10, default_duration_seconds: 1200, rules: [ANY] });
      // 0 s: "short" governs, default 1200; at 1200 "long" governs, default 2400; at 2400 "long" still governs.
      expect((await simulate(tenant)).body).toMatchObject({ decision: 'allow', policy_id: long.id, duration_seconds: 2400 });
      const granted = await request(tenant);
      expect(granted.body).toMatchObject({ status: 'active', policy_id: long.id, duration_seconds: 2400 });
      const events = (await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${granted.body.id}&order=asc` })).body.data;
      expect(events[0].data).toMatchObject({ duration_seconds: 2400, policy_id: long.id });
    });

    it('grants a request without a duration that 0 s would deny, at the default of the policy that allows it', async () => {
      const tenant = await createTenant(t);
      const atLeast = await policy(tenant, { name: 'at least a minute', default_duration_seconds: 3600, rules: [{ ...ANY, conditions: 'context.duration_seconds >= 60' }] });
      expect((await simulate(tenant)).body).toMatchObject({ decision: 'allow', policy_id: atLeast.id, duration_seconds: 3600 });
      expect((await request(tenant)).body).toMatchObject({ status: 'active', policy_id: atLeast.id, duration_seconds: 3600 });
      await policy(tenant, { name: 'not that long', rules: [{ ...ANY, effect: 'forbid', conditions: 'context.duration_seconds > 1800' }] });
      expect((await request(tenant)).status).toBe(403);
    });

    it('asks for duration_seconds when the policies never agree on a default, and stores nothing', async () => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'a', priority: 100, default_duration_seconds: 600, rules: [{ ...ANY, conditions: 'context.duration_seconds != 600' }] });
      await policy(tenant, { name: 'b', priority: 10, default_duration_seconds: 900, rules: [ANY] });
      const before = await grantCount(tenant);
      for (const response of [await simulate(tenant), await request(tenant)]) {
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ code: 'invalid_input', details: { fields: { 'duration_seconds': expect.any(Array) } } });
      }
      expect(await grantCount(tenant)).toBe(before);
      expect((await request(tenant, { duration_seconds: 600 })).body.status).toBe('active');
    });
  });

  describe('approval activates only what the current policies allow (fault 4)', () => {
    const setUp = async () => {
      const tenant = await createTenant(t);
      const governing = await policy(tenant, {
        name: 'sudo with approval',
        approval_required: true,
        approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }],
        rules: [{ ...ANY, action_scope_type: 'eq', action_ids: ['sudo'] }],
      });
      const pending = await request(tenant, { ...triple('sudo'), requester_email: 'alice@example.com' });
      expect(pending.body.status).toBe('pending_approval');
      const approve = () => tenant.as('approver')({ method: 'POST', url: `/v1/grants/${pending.body.id}/approvals`, body: { approver_email: 'boss@example.com', decision: 'approve' } });
      const grant = async () => (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${pending.body.id}` })).body;
      return { tenant, governing, id: pending.body.id as string, approve, grant };
    };

    it('a forbid added since the request: the approval ends it denied and the approver gets 409 with the reason', async () => {
      const { tenant, approve, grant } = await setUp();
      await policy(tenant, { name: 'freeze', priority: 1000, rules: [{ ...ANY, effect: 'forbid', notice: 'change freeze' }] });
      const answer = await approve();
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ code: 'invalid_state', details: { status: 'denied', reason: 'change freeze' }, notices: ['change freeze'] });
      const stored = await grant();
      expect(stored).toMatchObject({ status: 'denied', ended_reason: 'denied by policy at activation: change freeze', activated_at: null });
      expect(stored.events.map((e: { action: string }) => e.action)).toEqual(['grant.requested', 'approval.recorded', 'grant.denied']);
      const check = await tenant.as('auditor')({ method: 'POST', url: '/v1/access/check', body: triple('sudo') });
      expect(check.body.allowed).toBe(false);
    });

    it('rules replaced by a forbid: the same', async () => {
      const { tenant, governing, approve, grant } = await setUp();
      const patched = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${governing.id}`, body: { rules: [{ ...ANY, effect: 'forbid' }] } });
      expect(patched.status).toBe(200);
      expect((await approve()).status).toBe(409);
      expect((await grant()).status).toBe('denied');
    });

    it.each(['disable', 'delete'])('%s the governing policy: its pending requests end denied at once', async (how) => {
      const { tenant, governing, approve, grant } = await setUp();
      const changed =
        how === 'disable'
          ? await tenant.admin({ method: 'PATCH', url: `/v1/policies/${governing.id}`, body: { enabled: false } })
          : await tenant.admin({ method: 'DELETE', url: `/v1/policies/${governing.id}` });
      expect(changed.status).toBeLessThan(300);
      expect(await grant()).toMatchObject({ status: 'denied', ended_reason: how === 'disable' ? 'policy disabled' : 'policy deleted' });
      expect((await approve()).body).toMatchObject({ code: 'invalid_state', details: { status: 'denied' } });
    });

    it('still activates when the current policies allow it, recording the activation decision', async () => {
      const { approve, grant } = await setUp();
      const answer = await approve();
      expect(answer.status).toBe(201);
      expect(answer.body.status).toBe('active');
      const stored = await grant();
      expect(stored.events.at(-1)).toMatchObject({ action: 'grant.activated', data: { determining_rule_ids: stored.determining_rule_ids, duration_seconds: 3600 } });
    });
  });

  describe('blank justifications (fault 7)', () => {
    it.each([
      ['zero-width space', '\u200b'],
      ['spaces and line breaks', '  \n\t '],
      ['a Hangul filler', '\u3164'],
      ['a Braille blank', '\u2800'],
      ['joiners and a soft hyphen', '\u200d\u200c\u00ad'],
      ['a variation selector and a word joiner', '\ufe0f\u2060'],
      ['bidi marks', '\u202e\u200f'],
      ['an ideographic space', '\u3000'],
    ])('%s counts as blank: 400 with the prompt', async (_what, justification) => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'why', purpose_justification_required: true, purpose_justification_prompt: 'Ticket?', rules: [ANY] });
      const before = await grantCount(tenant);
      const response = await request(tenant, { justification });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'invalid_input', details: { fields: { 'justification': expect.any(Array) }, prompt: 'Ticket?' } });
      expect(await grantCount(tenant)).toBe(before);
      expect((await request(tenant, { justification: `${justification}INC-1` })).status).toBe(201);
    });
  });

  describe('approval groups nobody can satisfy (fault 8)', () => {
    it('an email-list edit that leaves a group short is 409 naming the policy; the list is unchanged', async () => {
      const tenant = await createTenant(t);
      const list = (await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'oncall', emails: ['a@example.com', 'b@example.com'] } })).body;
      const governing = await policy(tenant, { name: 'needs two', approval_required: true, approval_groups: [{ approvals_needed: 2, email_list_uuid: list.id }], rules: [ANY] });
      const emptied = await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${list.id}`, body: { emails: [] } });
      expect(emptied.status).toBe(409);
      expect(emptied.body).toMatchObject({ code: 'conflict', details: { policy_ids: [governing.id], groups: [{ policy_id: governing.id, group: 0, approvals_needed: 2, members: 0 }] } });
      expect((await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${list.id}`, body: { emails: ['c@example.com'] } })).status).toBe(409);
      expect((await tenant.admin({ method: 'GET', url: `/v1/email-lists/${list.id}` })).body.emails).toEqual(['a@example.com', 'b@example.com']);
      expect((await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${list.id}`, body: { emails: ['c@example.com', 'd@example.com'] } })).status).toBe(200);
    });

    it('a policy naming a list too small for its group is refused', async () => {
      const tenant = await createTenant(t);
      const list = (await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'solo', emails: ['a@example.com'] } })).body;
      const response = await tenant.admin({
        method: 'POST',
        url: '/v1/policies',
        body: { name: 'x', max_duration_seconds: 60, approval_required: true, approval_groups: [{ approvals_needed: 2, email_list_uuid: list.id }], rules: [ANY] },
      });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.details.fields ?? {})).toContain('approval_groups[0].approvals_needed');
    });

    it('a request whose only approver is the requester is refused, naming the group, and nothing is stored', async () => {
      const tenant = await createTenant(t);
      await policy(tenant, { name: 'self', approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['alice@example.com'] }], rules: [ANY] });
      const before = await grantCount(tenant);
      const response = await request(tenant, { requester_email: 'Alice@Example.com' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'invalid_input', details: { fields: { 'approval_groups': expect.any(Array) }, groups: [{ index: 0, approvals_needed: 1, eligible_approvers: 0 }] } });
      expect(await grantCount(tenant)).toBe(before);
      expect((await request(tenant, { requester_email: 'bob@example.com' })).body.status).toBe('pending_approval');
    });
  });
});

