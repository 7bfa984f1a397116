import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { checkGroupBody } from './access-bodies';
import { AccessCompiler } from './access-compiler';
import { AccessGroupsRepository } from './access-groups.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import { AccessSchemaCheck } from './access-schema-check';
import { toGroupView, GroupView } from './access-views';
import { Envelope, envelope, PageParams, pageOf, paging, ResultInfo } from './envelope';

/**
 * Access groups (PRODUCT.md section 15). An edit recompiles every policy using the group in its transaction; the
 * group and those policies must conform to the tenant's Cedar schema, if any.
 */
@Injectable()
export class AccessGroupsService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly groups: AccessGroupsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly compiler: AccessCompiler,
    private readonly audit: AuditRepository,
    private readonly schema: AccessSchemaCheck,
  ) {}

  async create(tenantId: string, body: unknown, actor: Actor): Promise<Envelope<GroupView>> {
    const input = checkGroupBody(body);
    const id = randomUUID();
    const group = await this.changes.commit(tenantId, async (tx) => {
      const now = new Date();
      const sources = await this.compiler.sources(tx, tenantId, [input]);
      const conditions = this.compiler.checkGroup({ id, ...input, createdAt: now, updatedAt: now }, sources);
      await this.schema.check(tx, tenantId, [{ decision: 'allow', cedarConditions: conditions }], { decision: 'allow', rules: input }, sources);
      const created = await this.groups.create(tx, tenantId, id, input);
      await this.audit.append(tx, tenantId, { actor, action: 'access_group.created', targetType: 'access_group', targetId: id, data: { ...toGroupView(created) } });
      return created;
    });
    return envelope(toGroupView(group));
  }

  async list(tenantId: string, query: PageParams): Promise<Envelope<GroupView[]> & { result_info: ResultInfo }> {
    const { page, perPage, skip } = paging(query);
    const { rows, total } = await this.groups.page(tenantId, skip, perPage);
    return pageOf(rows.map(toGroupView), total, page, perPage);
  }

  async get(tenantId: string, id: string): Promise<Envelope<GroupView>> {
    const group = await this.groups.find(tenantId, id);
    if (!group) throw notFound('Access group');
    return envelope(toGroupView(group));
  }

  /** PUT replaces the group; the policies inlining it are recompiled and the policy-set version bumped, atomically. */
  async replace(tenantId: string, id: string, body: unknown, actor: Actor): Promise<Envelope<GroupView>> {
    const input = checkGroupBody(body);
    const group = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.groups.find(tenantId, id, tx);
      if (!current) throw notFound('Access group');
      const next = { ...current, ...input };
      const sources = await this.compiler.sources(tx, tenantId, [input], next);
      const conditions = this.compiler.checkGroup(next, sources);
      const updated = await this.groups.replace(tx, tenantId, id, input);
      const recompiled = await this.compiler.recompileUsing(tx, tenantId, { groupId: id });
      const probes = [{ decision: 'allow' as const, cedarConditions: conditions }, ...recompiled.map((p) => ({ decision: p.decision, cedarConditions: p.cedarConditions, name: p.name }))];
      await this.schema.check(tx, tenantId, probes, { decision: 'allow', rules: input }, sources);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'access_group.updated',
        targetType: 'access_group',
        targetId: id,
        data: { ...toGroupView(updated), previous: toGroupView(current), recompiled_policy_ids: recompiled.map((p) => p.id) },
      });
      return updated;
    });
    return envelope(toGroupView(group));
  }

  /** A group still used by a policy or another group is `409 conflict`. */
  async remove(tenantId: string, id: string, actor: Actor): Promise<Envelope<{ id: string }>> {
    await this.changes.commit(tenantId, async (tx) => {
      const all = await this.groups.lockAll(tx, tenantId);
      const current = all.get(id);
      if (!current) throw notFound('Access group');
      const users = (await this.policies.usingGroup(tx, tenantId, id)).map((p) => p.id);
      const parents = [...all.values()].filter((g) => [g.include, g.exclude, g.require].flat().some((s) => s.group?.id === id)).map((g) => g.id);
      if (users.length > 0 || parents.length > 0) throw conflict('The Access group is used by policies or other groups', { policy_ids: users, group_ids: parents });
      await this.groups.delete(tx, tenantId, id);
      await this.audit.append(tx, tenantId, { actor, action: 'access_group.deleted', targetType: 'access_group', targetId: id, data: { ...toGroupView(current) } });
    });
    return envelope({ id });
  }
}
