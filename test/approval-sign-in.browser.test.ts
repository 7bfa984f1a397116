import { Browser, BrowserContext, chromium } from 'playwright-core';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { approvalPath, freePort, startSmtp } from './support/notifications';
import { AUDIENCE, TestOidcProvider } from './support/oidc';

const PEOPLE = [
  { id: 'boss', email: 'boss@example.com', groups: ['leads'] },
  { id: 'deputy', email: 'deputy@example.com', groups: ['leads'] },
];

describe('approval links that require sign-in, in a real browser', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let oidc: TestOidcProvider;
  let tenant: TestTenant;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    smtp = await startSmtp();
    oidc = await TestOidcProvider.start({ people: PEOPLE, redirectUris: [`${base}/approvals/sign-in/callback`] });
    t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: base, IDENTITY_ALLOW_INSECURE_ISSUERS: 'true', REMINDER_INTERVAL_SECONDS: '3600' });
    await t.app.listen({ port, host: '127.0.0.1' });
    tenant = await createTenant(t);
    const provider = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'corp', type: 'oidc', issuer: oidc.issuer, audience: AUDIENCE, client_id: 'jit-approvals' } });
    expect(provider.status).toBe(201);
    const settings = await tenant.admin({ method: 'PATCH', url: '/v1/settings', body: { approval_requires_sign_in: true } });
    expect(settings.body).toEqual({ approval_requires_sign_in: true });
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com', 'deputy@example.com'] }] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await oidc?.close();
    await smtp?.close();
  });

  const emailedLink = async (approver: string) => {
    const response = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('sudo'), resource: host('db1'), requester_email: 'alice@example.com' } });
    expect(response.body.status).toBe('pending_approval');
    const [mail] = await waitFor(async () => smtp.received.filter((m) => m.to.includes(approver) && m.body.includes(response.body.id as string)), (mails) => mails.length >= 1, 30000);
    return { grantId: response.body.id as string, url: `${base}${approvalPath(mail.body)}` };
  };

  const signIn = async (context: BrowserContext, url: string, login: string) => {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    expect(page.url().startsWith(oidc.issuer)).toBe(true);
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any password');
    await Promise.all([page.waitForURL((u) => u.pathname.includes('/interaction/'), { waitUntil: 'domcontentloaded' }), page.getByRole('button', { name: 'Sign-in' }).click()]);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(base), { waitUntil: 'domcontentloaded' }), page.getByRole('button', { name: 'Continue' }).click()]);
    return page;
  };

  it('sends the approver to sign in and records the decision as the signed-in person', async () => {
    const { grantId, url } = await emailedLink('boss@example.com');

    const stranger = await browser.newContext();
    const wrong = await signIn(stranger, url, 'deputy');
    expect(await wrong.locator('h1').textContent()).toBe('This link is for someone else');
    expect(await wrong.locator('button').count()).toBe(0);
    await stranger.close();
    const bare = await t.request({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'decision=approve' });
    expect(bare.status).toBe(401);

    const context = await browser.newContext();
    const page = await signIn(context, url, 'boss');
    expect(page.url()).toBe(url);
    const session = (await context.cookies(url)).find((c) => c.name === 'jit_approver');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/approvals' });
    // A second API process of the same deployment, without SESSION_SECRET, accepts the session the first one sealed.
    const second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix, PUBLIC_BASE_URL: base, IDENTITY_ALLOW_INSECURE_ISSUERS: 'true', PROCESS_ROLE: 'api' });
    try {
      const elsewhere = await second.request({ method: 'GET', url: new URL(url).pathname, headers: { cookie: `jit_approver=${session?.value ?? ''}` } });
      expect([elsewhere.status, elsewhere.text]).toEqual([200, expect.stringContaining('Approve')]);
    } finally {
      await second.close();
    }
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Approve' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Request approved');
    await context.close();

    const grant = await tenant.admin({ method: 'GET', url: `/v1/grants/${grantId}` });
    expect(grant.body.status).toBe('active');
    const recorded = grant.body.events.find((e: { action: string }) => e.action === 'approval.recorded');
    expect(recorded.actor).toEqual({ type: 'person', id: 'corp/boss', email: 'boss@example.com' });
  });
});
