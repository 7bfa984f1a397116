import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

describe('/metrics', () => {
  const t = useTestApp();
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
  });

  const scrape = async () => {
    const response = await t.request({ method: 'GET', url: '/metrics' });
    expect(response.status).toBe(200);
    return response.text;
  };
  /** The value of one sample line, e.g. `grants_by_status{status="active"}`; 0 when absent. */
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  it('is public and in Prometheus text format', async () => {
    const response = await t.request({ method: 'GET', url: '/metrics' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.text).toContain('# TYPE queue_jobs gauge');
  });

  it('counts grants by status and transitions by event, and times requests by route pattern', async () => {
    const before = await scrape();
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('m1') } });
    await tenant.admin({ method: 'POST', url: `/v1/grants/${created.body.id}/revoke`, body: {} });
    const after = await waitFor(scrape, (text) => sample(text, 'grant_transitions_total{event="grant.revoked"}') === sample(before, 'grant_transitions_total{event="grant.revoked"}') + 1);
    expect(sample(after, 'grant_transitions_total{event="grant.activated"}')).toBe(sample(before, 'grant_transitions_total{event="grant.activated"}') + 1);
    expect(sample(after, 'grants_by_status{status="revoked"}')).toBe(sample(before, 'grants_by_status{status="revoked"}') + 1);
    expect(after).toContain('http_request_duration_seconds_count{method="POST",route="/v1/grants/:id/revoke",status="200"} 1');
    expect(after).not.toContain(created.body.id);
  });

  it('shows every queue by state, decisions by outcome, and reads 0 for a status that emptied', async () => {
    const before = await scrape();
    const allowed = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('m2') } });
    await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('mallory'), action: action('ssh'), resource: host('m2') } });
    const text = await scrape();
    // Counted per Cedar evaluation: a request may take more than one (its duration is settled first).
    expect(sample(text, 'decisions_total{decision="allow"}')).toBeGreaterThan(sample(before, 'decisions_total{decision="allow"}'));
    expect(sample(text, 'decisions_total{decision="deny"}')).toBeGreaterThan(sample(before, 'decisions_total{decision="deny"}'));
    for (const queue of ['grants', 'notifications']) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) expect(text).toContain(`queue_jobs{queue="${queue}",state="${state}"}`);
    }
    expect(text).toContain('# TYPE notification_deliveries_total counter');
    expect(text).toContain('# TYPE rate_limited_total counter');
    const active = sample(text, 'grants_by_status{status="active"}');
    expect(active).toBeGreaterThan(0);
    const list = await tenant.admin({ method: 'GET', url: '/v1/grants?status=active&limit=500' });
    for (const grant of list.body.data) await tenant.admin({ method: 'POST', url: `/v1/grants/${grant.id}/revoke`, body: {} });
    expect(allowed.status).toBe(201);
    expect(await scrape()).toContain('grants_by_status{status="active"} 0');
  });
});
