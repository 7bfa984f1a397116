import { Browser, chromium } from 'playwright-core';
import { ApprovalTokensService } from '../src/modules/approvals/approval-tokens.service';
import { baseUrl, startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

const JUSTIFICATION = `<script>document.title = 'pwned'</script> rotate "keys" & restart`;

describe('approval page in a real browser', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // No worker: its approver emails would issue email links for the same approvers, replacing the ones used here.
    t = await startTestApp({ PROCESS_ROLE: 'api' });
    base = await baseUrl(t.app);
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'sudo', {
      approval_required: true,
      approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com', 'deputy@example.com'] }],
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  const linkFor = async (approver: string) => {
    const response = await tenant.as('requester')({
      method: 'POST',
      url: '/v1/grants',
      body: { principal: user('alice'), action: action('sudo'), resource: host('db1'), justification: JUSTIFICATION, requester_email: 'alice@example.com' },
    });
    const link = await t.app.get(ApprovalTokensService).issue(tenant.id, response.body.id, approver, 'email');
    return { grantId: response.body.id as string, url: `${base}/approvals/${link.token}` };
  };

  it('shows the request with the justification as text, approves on click and shows the outcome', async () => {
    const { grantId, url } = await linkFor('boss@example.com');
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(url);
    expect(await page.title()).toBe('Access request');
    expect(await page.locator('dt:text-is("Justification") + dd').textContent()).toBe(JUSTIFICATION);
    expect(await page.locator('script').count()).toBe(0);
    const approve = page.getByRole('button', { name: 'Approve' });
    // Runs in the browser page, where getComputedStyle exists (the test's tsconfig has no DOM library).
    const background = await approve.evaluate(
      (button) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundColor: string } }).getComputedStyle(button).backgroundColor,
    );
    expect(background).toBe('rgb(26, 127, 55)');

    await page.getByLabel('Comment (optional)').fill('fine by me');
    await Promise.all([page.waitForURL(url), approve.click()]);
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('h1').textContent()).toBe('Request approved');
    expect(await page.locator('main').textContent()).toContain('You approved the request');
    expect(await page.title()).toBe('Request approved');
    expect(problems).toEqual([]);
    await context.close();

    const stored = await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${grantId}` });
    expect(stored.body).toMatchObject({ status: 'active', approvals: [{ approver_email: 'boss@example.com', comment: 'fine by me' }] });
  });

  it('works without JavaScript', async () => {
    const { grantId, url } = await linkFor('deputy@example.com');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Deny' }).click()]);
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('h1').textContent()).toBe('Request denied');
    await context.close();
    const stored = await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${grantId}` });
    expect(stored.body.status).toBe('denied');
  });
});
