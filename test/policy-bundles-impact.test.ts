import { DomainError } from '../src/common/errors/domain-error';
import { PrismaService } from '../src/infra/prisma/prisma.service';
import { PolicyEngine } from '../src/modules/decisions/policy-engine';
import { useTestApp } from './support/use-test-app';
import { createTenant } from './support/factories';

const teams = ['red', 'blue', 'green'];
const users = Array.from({ length: 12 }, (_x, i) => `user-${i}`);
const hosts = Array.from({ length: 9 }, (_x, i) => `host-${i}`);
const actions = ['ssh', 'sudo', 'deploy'];

const scoped = (effect: string, team: string, action: string[], service: string, extra: Record<string, unknown> = {}) => ({
  effect,
  principal_scope_type: 'in',
  principal_entity_type: 'Group',
  principal_entity_id: team,
  action_scope_type: 'in',
  action_ids: action,
  resource_scope_type: 'in',
  resource_entity_type: 'Service',
  resource_entity_id: service,
  ...extra,
});

/** Policies over groups, services and attributes whose decisions depend on duration, context, justification and time. */
function liveBundle() {
  return {
    version: 1,
    email_lists: [{ name: 'approvers', emails: ['a@example.com', 'b@example.com'] }],
    entities: [
      ...teams.map((t) => ({ uid: { type: 'Group', id: t }, attrs: {}, parents: [] })),
      ...['web', 'data', 'ops'].map((s) => ({ uid: { type: 'Service', id: s }, attrs: {}, parents: [] })),
      ...users.map((u, i) => ({ uid: { type: 'User', id: u }, attrs: { level: i % 4 }, parents: [{ type: 'Group', id: teams[i % 3] }] })),
      ...hosts.map((h, i) => ({ uid: { type: 'Host', id: h }, attrs: { tier: i % 3 }, parents: [{ type: 'Service', id: ['web', 'data', 'ops'][i % 3] }] })),
    ],
    policies: [
      { name: 'red web', priority: 10, max_duration_seconds: 14400, rules: [scoped('permit', 'red', ['ssh', 'sudo'], 'web', { conditions: 'context.duration_seconds <= 7200' })] },
      { name: 'blue data', max_duration_seconds: 7200, rules: [scoped('permit', 'blue', ['ssh', 'deploy'], 'data', { conditions: 'principal.level >= 1 && resource.tier < 2' })] },
      {
        name: 'green ops',
        max_duration_seconds: 14400,
        approval_required: true,
        approval_groups: [{ approvals_needed: 1, email_list: 'approvers' }],
        rules: [scoped('permit', 'green', ['ssh', 'sudo', 'deploy'], 'ops'), scoped('permit', 'red', ['deploy'], 'ops', { conditions: 'context has ticket' })],
      },
      { name: 'sudo guard', priority: 10, max_duration_seconds: 3600, rules: [{ effect: 'forbid', principal_scope_type: 'any', action_scope_type: 'eq', action_ids: ['sudo'], resource_scope_type: 'any', conditions: 'context.duration_seconds > 3600', notice: 'no long sudo' }] },
      { name: 'anyone web ssh', max_duration_seconds: 3600, rules: [{ effect: 'permit', principal_scope_type: 'any', action_scope_type: 'eq', action_ids: ['ssh'], resource_scope_type: 'in', resource_entity_type: 'Service', resource_entity_id: 'web', conditions: 'context.justification like "INC-*"' }] },
    ],
    tests: [],
  };
}

/** The draft: a lowered maximum, a new forbid, a changed condition and a new policy, nothing removed. */
function draftBundle() {
  const draft = liveBundle();
  draft.policies[0].max_duration_seconds = 3600;
  draft.policies[1].rules[0] = scoped('permit', 'blue', ['ssh', 'deploy'], 'data', { conditions: 'principal.level >= 2 && resource.tier < 2' });
  draft.policies[3].rules.push({ effect: 'forbid', principal_scope_type: 'eq', principal_entity_type: 'User', principal_entity_id: 'user-3', action_scope_type: 'any', resource_scope_type: 'any', notice: 'user-3 left' } as never);
  draft.policies.push({ name: 'late deploys', max_duration_seconds: 7200, rules: [scoped('permit', 'blue', ['deploy'], 'ops', { conditions: 'context.requested_at >= "2026"' })] } as never);
  return draft;
}

describe('policy bundle impact', () => {
  const t = useTestApp();

  it('denies exactly the grants the live engine denies once the bundle is applied, over more than one page of grants', async () => {
    const tenant = await createTenant(t);
    const live = liveBundle();
    const first = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: live });
    expect((await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/apply', body: live, headers: { 'if-match': `"${first.body.policy_set_version}"` } })).status).toBe(200);

    // 2,300 grants (the impact reads 2,000 a page), most created in the same millisecond: the pages' keyset must
    // not lose or repeat any at the boundary.
    const rows = Array.from({ length: 2300 }, (_x, i) => ({
      principal: users[i % users.length],
      action: actions[Math.floor(i / 7) % actions.length],
      resource: hosts[Math.floor(i / 3) % hosts.length],
      duration: [600, 3600, 7200, 10800][i % 4],
      justification: i % 5 === 0 ? `INC-${i}` : null,
      context: i % 6 === 0 ? { ticket: `T-${i}` } : {},
      status: i % 10 === 0 ? 'pending_approval' : 'active',
      createdAt: i < 2200 ? '2026-11-01T10:00:00.000Z' : '2025-11-01T10:00:00.000Z',
    }));
    const prisma = t.app.get(PrismaService);
    await prisma.$executeRawUnsafe(
      `INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id, duration_seconds,
         justification, context, determining_rule_ids, notices, approval_groups, created_at, activated_at, expires_at, approval_deadline)
       SELECT gen_random_uuid(), $1::uuid, r.s, 'User', r.p, 'Action', r.a, 'Host', r.h, r.d, r.j, r.c::jsonb, '{}', '{}',
         CASE WHEN r.s = 'pending_approval' THEN '[{"approvals_needed":1,"members":["a@example.com","b@example.com"]}]'::jsonb ELSE '[]'::jsonb END,
         r.t::timestamptz, CASE WHEN r.s = 'active' THEN now() END, CASE WHEN r.s = 'active' THEN now() + interval '1 day' END,
         CASE WHEN r.s = 'pending_approval' THEN now() + interval '1 day' END
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[]) AS r(p, a, h, s, d, j, c, t)`,
      tenant.id,
      rows.map((r) => r.principal),
      rows.map((r) => r.action),
      rows.map((r) => r.resource),
      rows.map((r) => r.status),
      rows.map((r) => r.duration),
      rows.map((r) => r.justification),
      rows.map((r) => JSON.stringify(r.context)),
      rows.map((r) => r.createdAt),
    );

    const draft = draftBundle();
    const planned = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: draft });
    expect(planned.status).toBe(200);
    const { active_denied: activeDenied, pending_denied: pendingDenied } = planned.body.impact as Record<string, { grant_id: string }[]>;
    const plannedIds = [...activeDenied, ...pendingDenied].map((g) => g.grant_id);
    expect(new Set(plannedIds).size).toBe(plannedIds.length);

    const applied = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/apply?on_impact=keep', body: draft, headers: { 'if-match': `"${planned.body.policy_set_version}"` } });
    expect(applied.status).toBe(200);
    const engine = t.app.get(PolicyEngine);
    const grants = await prisma.grant.findMany({ where: { tenantId: tenant.id, status: { in: ['active', 'pending_approval'] } } });
    expect(grants).toHaveLength(2300);
    const liveDenied: string[] = [];
    for (const grant of grants) {
      try {
        const { decision } = await engine.decide(tenant.id, {
          principal: { type: grant.principalType, id: grant.principalId },
          action: { type: grant.actionType, id: grant.actionId },
          resource: { type: grant.resourceType, id: grant.resourceId },
          context: grant.context as Record<string, unknown>,
          durationSeconds: grant.durationSeconds,
          justification: grant.justification,
          requestedAt: grant.createdAt,
          enforceJustification: false,
        });
        if (decision.decision === 'deny') liveDenied.push(grant.id);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
        liveDenied.push(grant.id);
      }
    }
    // Not a trivial agreement: the draft denies some of the grants and keeps others.
    expect(liveDenied.length).toBeGreaterThan(100);
    expect(liveDenied.length).toBeLessThan(2200);
    expect([...plannedIds].sort()).toEqual([...liveDenied].sort());
  });
});
