import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { AUDIENCE, OidcPerson, TestOidcProvider } from './support/oidc';

// People signed in through two real OpenID providers registered as `okta` and `github`: the same address may sign
// in with different methods (one account per method), since `amr` comes from the token (PRODUCT.md section 16).
const OKTA_PEOPLE: OidcPerson[] = [
  { id: 'alice-mfa', email: 'alice@example.com', groups: ['eng'], amr: ['pwd', 'mfa'] },
  { id: 'alice-pwd', email: 'alice@example.com', groups: ['eng'], amr: ['pwd'] },
  { id: 'alice-hwk', email: 'alice@example.com', groups: ['eng'], amr: ['hwk'] },
  { id: 'bob-mfa', email: 'bob@corp.example', groups: [], amr: ['pwd', 'mfa'] },
  { id: 'carol-mfa', email: 'carol@example.com', groups: ['eng'], amr: ['pwd', 'mfa'] },
];
const GITHUB_PEOPLE: OidcPerson[] = [{ id: 'alice-gh', email: 'alice@example.com', groups: [], amr: ['pwd', 'mfa'] }];

/** Decision tables of Cloudflare-style policies, all through POST /v1/policies/simulate (PRODUCT.md section 15). */
describe('Cloudflare Access policies decided by the Cedar engine', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api', IDENTITY_ALLOW_INSECURE_ISSUERS: 'true' });
  let tenant: TestTenant;
  let okta: TestOidcProvider;
  let github: TestOidcProvider;
  const cf = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => tenant.admin({ method, url: `/client/v4/accounts/${tenant.id}${path}`, body });
  const ok = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const response = await cf(method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body.result as { id: string; cedar_conditions: string; cedar_policy_set: string };
  };
  const app = async (name: string) => (await ok('POST', '/access/apps', { name, domain: `${name}.example.com`, type: 'self_hosted' })).id;
  const policy = (appId: string, body: Record<string, unknown>) => ok('POST', `/access/apps/${appId}/policies`, { name: 'p', decision: 'allow', ...body });
  /** Simulated with the admin key for a stored principal, or with `person`'s token for themselves (`User::"<email>"`). */
  const simulate = async (appId: string, principal: string | { type: string; id: string }, context: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, person?: { token: string }) => {
    const uid = typeof principal === 'string' ? { type: 'User', id: principal } : principal;
    const options = { method: 'POST' as const, url: '/v1/policies/simulate', body: { principal: uid, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId }, context, ...extra } };
    const response = person ? await t.request({ ...options, headers: { authorization: `Bearer ${person.token}`, 'x-tenant-id': tenant.id } }) : await tenant.admin(options);
    if (response.status !== 200) throw new Error(`simulate: ${response.status} ${response.text}`);
    return response.body as { decision: string; policy_id: string | null; notices: string[]; duration_seconds: number | null; approval_required: boolean };
  };
  const decision = async (appId: string, principal: string | { type: string; id: string }, context: Record<string, unknown> = {}) => (await simulate(appId, principal, context)).decision;
  /** The decision for a person signed in as `personId` (okta's people, or github's), asking about themselves. */
  const signedIn = async (appId: string, personId: string, context: Record<string, unknown> = {}) => {
    const provider = GITHUB_PEOPLE.some((p) => p.id === personId) ? github : okta;
    const email = [...OKTA_PEOPLE, ...GITHUB_PEOPLE].find((p) => p.id === personId)?.email as string;
    return (await simulate(appId, email, context, {}, { token: await provider.tokenFor(personId) })).decision;
  };

  beforeAll(async () => {
    tenant = await createTenant(t, 'cf-decisions');
    const user = (id: string, attrs: Record<string, unknown>, parents: { type: string; id: string }[] = []) => ({ uid: { type: 'User', id }, attrs, parents });
    const entities = [
      user('alice', { email: 'alice@example.com', groups: ['eng'] }, [{ type: 'IdpGroup', id: 'okta/eng' }]),
      user('bob', { email: 'bob@corp.example', groups: [] }),
      user('carol', { email: 'carol@example.com', groups: ['eng'] }, [{ type: 'IdpGroup', id: 'okta/eng' }]),
      user('noemail', {}),
      { uid: { type: 'IdpGroup', id: 'okta/eng' }, attrs: {}, parents: [] },
    ];
    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: entities })).status).toBe(200);
    okta = await TestOidcProvider.start({ people: OKTA_PEOPLE });
    github = await TestOidcProvider.start({ people: GITHUB_PEOPLE });
    for (const [name, provider] of [['okta', okta], ['github', github]] as const) {
      const created = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name, type: 'oidc', issuer: provider.issuer, audience: AUDIENCE } });
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => {
    await okta?.close();
    await github?.close();
  });

  it('include is OR, require is AND, exclude is NOT', async () => {
    const id = app('combos');
    const appId = await id;
    await policy(appId, {
      include: [{ email: { email: 'bob@corp.example' } }, { email_domain: { domain: 'example.com' } }],
      require: [{ auth_method: { auth_method: 'mfa' } }, { geo: { country_code: 'de' } }],
      exclude: [{ email: { email: 'carol@example.com' } }],
    });
    // auth_method reads context.identity.amr, which only a person's token sets.
    const de = { country_code: 'DE' };
    expect(await signedIn(appId, 'alice-mfa', de)).toBe('allow');
    expect(await signedIn(appId, 'bob-mfa', de)).toBe('allow');
    expect(await signedIn(appId, 'carol-mfa', de)).toBe('deny');
    expect(await signedIn(appId, 'alice-mfa', { country_code: 'FR' })).toBe('deny');
    expect(await signedIn(appId, 'alice-mfa', {})).toBe('deny');
    expect(await signedIn(appId, 'alice-pwd', de)).toBe('deny');
    // Without a token there is no context.identity (a caller's own is dropped): the require fails closed.
    expect(await decision(appId, 'alice', de)).toBe('deny');
    expect(await decision(appId, 'alice', { identity: { provider: 'okta', amr: ['pwd', 'mfa'] }, ...de })).toBe('deny');
    expect(await decision(appId, 'noemail', { identity: { amr: ['pwd', 'mfa'] }, ...de })).toBe('deny');
  });

  it('each selector matches its input, and one whose input is missing never grants', async () => {
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'oncall', emails: ['Alice@example.com'] } });
    const table: [Record<string, unknown>, string, Record<string, unknown>, Record<string, unknown> | null][] = [
      // selector, principal, context that matches, context that does not (null: only missing input is tried)
      [{ email_list: { id: list.body.id } }, 'alice', {}, null],
      [{ ip: { ip: '10.0.0.0/8' } }, 'alice', { ip: '10.1.2.3' }, { ip: '11.0.0.1' }],
      [{ ip: { ip: '::ffff:10.0.0.0/104' } }, 'alice', { ip: '::ffff:10.9.9.9' }, { ip: '192.168.0.1' }],
      [{ ip: { ip: '2400:cb00::/32' } }, 'alice', { ip: '2400:cb00:21:10a::1' }, { ip: '2400:cb01::1' }],
      [{ geo: { country_code: 'US' } }, 'alice', { country_code: 'US' }, { country_code: 'CA' }],
      [{ device_posture: { integration_uid: 'disk-encrypted' } }, 'alice', { device_posture: ['disk-encrypted'] }, { device_posture: ['firewall'] }],
      [{ certificate: {} }, 'alice', { certificate: { common_name: 'laptop-1' } }, null],
      [{ common_name: { common_name: 'laptop-1' } }, 'alice', { certificate: { common_name: 'laptop-1' } }, { certificate: { common_name: 'laptop-2' } }],
      [{ okta: { name: 'eng', identity_provider_id: 'okta' } }, 'alice', {}, null],
      [{ everyone: {} }, 'noemail', {}, null],
    ];
    for (const [selector, principal, match, noMatch] of table) {
      const appId = await app(`sel-${Object.keys(selector)[0].replace(/_/g, '-')}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase());
      await policy(appId, { include: [selector] });
      expect([selector, await decision(appId, principal, match)]).toEqual([selector, 'allow']);
      if (noMatch) expect([selector, await decision(appId, principal, noMatch)]).toEqual([selector, 'deny']);
      if (Object.keys(selector)[0] !== 'everyone') expect([selector, 'missing', await decision(appId, Object.keys(selector)[0].startsWith('email') || selector.okta ? 'noemail' : principal, {})]).toEqual([selector, 'missing', Object.keys(match).length === 0 && !selector.email_list && !selector.okta ? 'allow' : 'deny']);
    }
    expect(await decision(await app('bob-not-in-okta'), 'bob')).toBe('deny');
  });

  it('auth_method, login_method and IdP groups read the sign-in token; without one they never grant', async () => {
    const hwk = await app('sel-auth-method');
    await policy(hwk, { include: [{ auth_method: { auth_method: 'hwk' } }] });
    expect(await signedIn(hwk, 'alice-hwk')).toBe('allow');
    expect(await signedIn(hwk, 'alice-pwd')).toBe('deny');
    expect(await decision(hwk, 'alice', {})).toBe('deny');
    expect(await decision(hwk, 'alice', { identity: { provider: 'okta', amr: ['hwk'] } })).toBe('deny');

    // login_method's id is the name of the identity provider the person signed in with (context.identity.provider).
    const viaOkta = await app('sel-login-method');
    await policy(viaOkta, { include: [{ login_method: { id: 'okta' } }] });
    expect(await signedIn(viaOkta, 'alice-pwd')).toBe('allow');
    expect(await signedIn(viaOkta, 'alice-gh')).toBe('deny');
    expect(await decision(viaOkta, 'alice', {})).toBe('deny');
    expect(await decision(viaOkta, 'alice', { identity: { provider: 'okta', amr: ['pwd'] } })).toBe('deny');

    // The token's groups are IdpGroup::"<provider name>/<group>" parents of the person.
    const eng = await app('sel-okta-token');
    await policy(eng, { include: [{ okta: { name: 'eng', identity_provider_id: 'okta' } }] });
    expect(await signedIn(eng, 'carol-mfa')).toBe('allow');
    expect(await signedIn(eng, 'bob-mfa')).toBe('deny');
    expect(await signedIn(eng, 'alice-gh')).toBe('deny');

    // In exclude and in deny policies a missing sign-in blocks.
    const mfaOnly = await app('exclude-no-mfa');
    await policy(mfaOnly, { include: [{ everyone: {} }], exclude: [{ auth_method: { auth_method: 'pwd' } }] });
    expect(await signedIn(mfaOnly, 'alice-hwk')).toBe('allow');
    expect(await signedIn(mfaOnly, 'alice-pwd')).toBe('deny');
    expect(await decision(mfaOnly, 'alice', {})).toBe('deny');
    const notGithub = await app('deny-login-method');
    await policy(notGithub, { name: 'not through github', decision: 'deny', include: [{ login_method: { id: 'github' } }], precedence: 1 });
    await policy(notGithub, { name: 'everyone', include: [{ everyone: {} }], precedence: 2 });
    expect(await signedIn(notGithub, 'alice-mfa')).toBe('allow');
    expect(await signedIn(notGithub, 'alice-gh')).toBe('deny');
    expect(await simulate(notGithub, 'alice', {})).toMatchObject({ decision: 'deny', notices: ['not through github'] });
  });

  it('mfa_config on allow policies requires an allowed authenticator in the sign-in amr; without a token it never grants', async () => {
    const anyMfa = await app('mfa-any');
    const created = await policy(anyMfa, { include: [{ everyone: {} }], mfa_config: { mfa_disabled: false, session_duration: '24h' } });
    expect(created.cedar_conditions).toContain('context.identity.amr.containsAny(["mfa", "otp"');
    expect(await signedIn(anyMfa, 'alice-mfa')).toBe('allow');
    expect(await signedIn(anyMfa, 'alice-hwk')).toBe('allow');
    expect(await signedIn(anyMfa, 'alice-pwd')).toBe('deny');
    expect(await decision(anyMfa, 'alice', { identity: { provider: 'okta', amr: ['mfa'] } })).toBe('deny');

    const keysOnly = await app('mfa-security-key');
    await policy(keysOnly, { include: [{ everyone: {} }], mfa_config: { allowed_authenticators: ['security_key'] } });
    expect(await signedIn(keysOnly, 'alice-hwk')).toBe('allow');
    expect(await signedIn(keysOnly, 'alice-mfa')).toBe('deny');

    const disabled = await app('mfa-disabled');
    await policy(disabled, { include: [{ everyone: {} }], mfa_config: { mfa_disabled: true, allowed_authenticators: ['totp'] } });
    expect(await signedIn(disabled, 'alice-pwd')).toBe('allow');
    expect(await decision(disabled, 'alice')).toBe('allow');

    // Group edits recompile with the MFA requirement kept.
    const group = await ok('POST', '/access/groups', { name: 'mfa staff', include: [{ email_domain: { domain: 'example.com' } }] });
    const viaGroup = await app('mfa-group');
    await policy(viaGroup, { include: [{ group: { id: group.id } }], mfa_config: {} });
    await ok('PUT', `/access/groups/${group.id}`, { name: 'mfa staff', include: [{ everyone: {} }] });
    expect(await signedIn(viaGroup, 'bob-mfa')).toBe('allow');
    expect(await decision(viaGroup, 'bob')).toBe('deny');
  });

  it('a missing input matches in exclude and in deny policies (fail closed)', async () => {
    const excluded = await app('exclude-missing');
    await policy(excluded, { include: [{ email_domain: { domain: 'example.com' } }], exclude: [{ ip: { ip: '203.0.113.0/24' } }, { 'github-organization': { name: 'evil', identity_provider_id: 'gh' } }] });
    expect(await decision(excluded, 'alice', { ip: '198.51.100.7' })).toBe('allow');
    expect(await decision(excluded, 'alice', { ip: '::ffff:203.0.113.9' })).toBe('deny');
    expect(await decision(excluded, 'alice', { ip: '203.0.113.9' })).toBe('deny');
    expect(await decision(excluded, 'alice', {})).toBe('deny');

    const denied = await app('deny-missing');
    await policy(denied, { name: 'no office network', decision: 'deny', include: [{ ip: { ip: '192.168.0.0/16' } }], precedence: 1 });
    await policy(denied, { name: 'everyone', include: [{ everyone: {} }], precedence: 2 });
    expect(await decision(denied, 'alice', { ip: '8.8.8.8' })).toBe('allow');
    const missing = await simulate(denied, 'alice', {});
    expect(missing).toMatchObject({ decision: 'deny', notices: ['no office network'] });
    expect(await decision(denied, 'alice', { ip: 'not an address' })).toBe('deny');
  });

  it('ip_list fails closed like ip, also inside groups, and a group edit recompiles policies that name lists directly', async () => {
    const created = await cf('POST', '/rules/lists', { name: 'blocked', kind: 'ip' });
    expect(created.status).toBe(201);
    const listId = created.body.result.id as string;
    expect((await cf('POST', `/rules/lists/${listId}/items`, [{ ip: '203.0.113.0/24' }, { ip: '::ffff:198.51.100.9' }])).status).toBe(200);
    const staff = await ok('POST', '/access/groups', { name: 'example staff (ip)', include: [{ email_domain: { domain: 'example.com' } }] });

    const excluded = await app('exclude-ip-list');
    await policy(excluded, { include: [{ group: { id: staff.id } }], exclude: [{ ip_list: { id: listId } }] });
    expect(await decision(excluded, 'alice', { ip: '192.0.2.1' })).toBe('allow');
    expect(await decision(excluded, 'alice', { ip: '198.51.100.9' })).toBe('deny');
    expect(await decision(excluded, 'alice', { ip: '::ffff:203.0.113.40' })).toBe('deny');
    expect(await decision(excluded, 'alice', {})).toBe('deny');
    expect(await decision(excluded, 'alice', { ip: 'not an address' })).toBe('deny');

    const denied = await app('deny-ip-list');
    await policy(denied, { name: 'blocked networks', decision: 'deny', include: [{ ip_list: { id: listId } }], precedence: 1 });
    await policy(denied, { name: 'everyone', include: [{ everyone: {} }], precedence: 2 });
    expect(await decision(denied, 'alice', { ip: '192.0.2.1' })).toBe('allow');
    expect(await simulate(denied, 'alice', { ip: '203.0.113.1' })).toMatchObject({ decision: 'deny', notices: ['blocked networks'] });
    expect(await simulate(denied, 'alice', {})).toMatchObject({ decision: 'deny', notices: ['blocked networks'] });

    const inGroup = await ok('POST', '/access/groups', { name: 'office', include: [{ ip_list: { id: listId } }] });
    const viaGroup = await app('group-ip-list');
    await policy(viaGroup, { include: [{ group: { id: inGroup.id } }] });
    expect(await decision(viaGroup, 'bob', { ip: '203.0.113.5' })).toBe('allow');
    expect(await decision(viaGroup, 'bob', {})).toBe('deny');
    await cf('PUT', `/rules/lists/${listId}/items`, [{ ip: '192.0.2.0/24' }]);
    expect(await decision(viaGroup, 'bob', { ip: '203.0.113.5' })).toBe('deny');
    expect(await decision(viaGroup, 'bob', { ip: '192.0.2.77' })).toBe('allow');
    const inUse = await cf('DELETE', `/rules/lists/${listId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.headers['x-should-retry']).toBe('false');

    // The policy names the group and an email list itself: editing the group recompiles it with both.
    const oncall = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'oncall-ip', emails: ['alice@example.com', 'bob@corp.example'] } });
    const both = await app('group-and-list');
    await policy(both, { include: [{ group: { id: staff.id } }], require: [{ email_list: { id: oncall.body.id } }] });
    expect(await decision(both, 'alice')).toBe('allow');
    expect(await decision(both, 'bob')).toBe('deny');
    await ok('PUT', `/access/groups/${staff.id}`, { name: 'example staff (ip)', include: [{ email_domain: { domain: 'corp.example' } }] });
    expect(await decision(both, 'bob')).toBe('allow');
    expect(await decision(both, 'alice')).toBe('deny');
  });

  it('orders bypass and non_identity first, then allow and deny by precedence; the first match decides', async () => {
    const appId = await app('ordered');
    const deny = await policy(appId, { name: 'deny bob', decision: 'deny', include: [{ email: { email: 'bob@corp.example' } }], precedence: 1 });
    await policy(appId, { name: 'staff', include: [{ everyone: {} }], precedence: 2, session_duration: '30m' });
    await policy(appId, { name: 'office bypass', decision: 'bypass', include: [{ ip: { ip: '10.0.0.0/8' } }], precedence: 50 });
    await policy(appId, { name: 'robots', decision: 'non_identity', include: [{ service_token: { token_id: 'tok-1' } }], precedence: 60 });
    expect(await simulate(appId, 'bob')).toMatchObject({ decision: 'deny', notices: ['deny bob'] });
    expect(await simulate(appId, 'alice')).toMatchObject({ decision: 'allow', duration_seconds: 1800, approval_required: false });
    expect(await simulate(appId, 'bob', { ip: '10.2.3.4' })).toMatchObject({ decision: 'allow', duration_seconds: 86400 });
    expect(await decision(appId, { type: 'ServiceToken', id: 'tok-1' })).toBe('allow');
    // Another token reaches the deny policy, whose email selector has no input: fail closed.
    expect(await simulate(appId, { type: 'ServiceToken', id: 'tok-2' })).toMatchObject({ decision: 'deny', notices: ['deny bob'] });
    await ok('PUT', `/access/apps/${appId}/policies/${deny.id}`, { name: 'deny bob', decision: 'deny', include: [{ email: { email: 'bob@corp.example' } }], precedence: 3 });
    expect(await decision(appId, 'bob')).toBe('allow');
    const tooLong = await tenant.admin({ method: 'POST', url: '/v1/policies/simulate', body: { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId }, duration_seconds: 3600 } });
    expect(tooLong).toMatchObject({ status: 400, body: { details: { max_duration_seconds: 1800 } } });
  });

  it('non_identity matches only service-token principals', async () => {
    const appId = await app('robots-only');
    await policy(appId, { decision: 'non_identity', include: [{ any_valid_service_token: {} }] });
    expect(await decision(appId, { type: 'ServiceToken', id: 'anything' })).toBe('allow');
    expect(await decision(appId, 'alice')).toBe('deny');
    const everyone = await app('robots-everyone');
    await policy(everyone, { decision: 'non_identity', include: [{ everyone: {} }] });
    expect(await decision(everyone, 'alice')).toBe('deny');
  });

  it('inlines nested groups, refuses cycles and depth above 8, and recompiles policies when a group changes', async () => {
    const inner = await ok('POST', '/access/groups', { name: 'example staff', include: [{ email_domain: { domain: 'example.com' } }] });
    const outer = await ok('POST', '/access/groups', { name: 'staff but carol', include: [{ group: { id: inner.id } }], exclude: [{ email: { email: 'carol@example.com' } }] });
    const appId = await app('nested');
    const created = await policy(appId, { include: [{ group: { id: outer.id } }] });
    expect(await decision(appId, 'alice')).toBe('allow');
    expect(await decision(appId, 'carol')).toBe('deny');
    expect(await decision(appId, 'bob')).toBe('deny');

    const cycle = await cf('PUT', `/access/groups/${inner.id}`, { name: 'example staff', include: [{ group: { id: outer.id } }] });
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors[0].source.pointer).toMatch(/^\/include\/0\/group\/id/);
    expect(await decision(appId, 'alice')).toBe('allow');

    await ok('PUT', `/access/groups/${inner.id}`, { name: 'example staff', include: [{ email_domain: { domain: 'corp.example' } }] });
    expect(await decision(appId, 'bob')).toBe('allow');
    expect(await decision(appId, 'alice')).toBe('deny');
    const after = (await cf('GET', `/access/apps/${appId}/policies/${created.id}`)).body.result;
    expect(after.cedar_conditions).toContain('*@corp.example');
    expect(after.cedar_conditions).not.toContain('*@example.com');
    const events = (await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${inner.id}` })).body.data;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['access_group.updated', 'access_group.created']);
    expect(events[0].data.recompiled_policy_ids).toEqual([created.id]);

    let previous = (await ok('POST', '/access/groups', { name: 'level 0', include: [{ everyone: {} }] })).id;
    for (let level = 1; level <= 8; level += 1) previous = (await ok('POST', '/access/groups', { name: `level ${level}`, include: [{ group: { id: previous } }] })).id;
    const tooDeep = await cf('POST', '/access/groups', { name: 'level 9', include: [{ group: { id: previous } }] });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors).toEqual([expect.objectContaining({ source: { pointer: '/include/0/group/id' }, message: expect.stringContaining('deeper than 8') })]);
    expect((await cf('GET', '/access/groups?per_page=100')).body.result.map((g: { name: string }) => g.name)).not.toContain('level 9');
  });

  it('hostile strings are stored, escaped in Cedar and never widen a match', async () => {
    const appId = await app('hostile');
    const hostile = '"||true||"';
    const created = await policy(appId, { name: `x"); permit(principal, action, resource); //`, include: [{ saml: { attribute_name: 'groups', attribute_value: hostile, identity_provider_id: 'idp' } }, { device_posture: { integration_uid: 'a" || true || "' } }] });
    expect(created.cedar_conditions).toContain('IdpGroup::"idp/\\"||true||\\""');
    expect(await decision(appId, 'alice', { device_posture: ['x'] })).toBe('deny');
    expect(await decision(appId, 'alice', { device_posture: ['a" || true || "'] })).toBe('allow');
  });

  it('/v1 policies come first: a /v1 forbid on the app overrides a Cloudflare allow', async () => {
    const appId = await app('guarded');
    await policy(appId, { include: [{ everyone: {} }] });
    expect(await decision(appId, 'alice')).toBe('allow');
    const v1 = await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: { name: 'freeze', priority: -1000000, max_duration_seconds: 60, rules: [{ effect: 'forbid', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'eq', resource_entity_type: 'App', resource_entity_id: appId, notice: 'change freeze' }] },
    });
    expect(v1.status).toBe(201);
    expect(await simulate(appId, 'alice')).toMatchObject({ decision: 'deny', notices: ['change freeze'] });
  });
});
