import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import type { Tx } from '@/infra/prisma/prisma.service';
import { invalidInput, notFound } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { ReorderRulesDto } from './dto/reorder-rules.dto';
import { RuleInputDto } from './dto/rule-input.dto';
import { UpdateRuleDto } from './dto/update-rule.dto';
import { assignOrdinals, duplicate } from './ordinals';
import { PoliciesRepository } from './policies.repository';
import { PolicyChecks } from './policy-checks';
import { PolicyRecord, PolicyView, RuleView, toPolicyView, toRuleView } from './policy.types';
import { draftRule, patchRule } from './rule-drafts';

@Injectable()
export class RulesService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly policies: PoliciesRepository,
    private readonly checks: PolicyChecks,
    private readonly audit: AuditRepository,
  ) {}

  async create(tenantId: string, policyId: string, dto: RuleInputDto, actor: Actor): Promise<RuleView> {
    const draft = draftRule(randomUUID(), dto);
    const rule = await this.changes.commit(tenantId, async (tx) => {
      const policy = await this.policy(tx, tenantId, policyId);
      const [ordinal] = assignOrdinals([draft.ordinal], policy.rules.map((r) => r.ordinal), () => '');
      await this.checks.schema(tx, tenantId, [draft], () => 'policy_text');
      await this.policies.insertRules(tx, tenantId, policyId, [{ ...draft, ordinal }]);
      await this.policies.update(tx, tenantId, policyId, {});
      const created = await this.policies.findRule(tx, tenantId, policyId, draft.id);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'rule.created',
        targetType: 'rule',
        targetId: draft.id,
        data: { policy_id: policyId, ordinal, policy_text: draft.policyText, notice: draft.notice, audit_session: draft.auditSession },
      });
      return created;
    });
    return toRuleView(rule as NonNullable<typeof rule>);
  }

  async update(tenantId: string, policyId: string, ruleId: string, dto: UpdateRuleDto, actor: Actor): Promise<RuleView> {
    const rule = await this.changes.commit(tenantId, async (tx) => {
      const policy = await this.policy(tx, tenantId, policyId);
      const current = policy.rules.find((r) => r.id === ruleId);
      if (!current) throw notFound('Rule');
      const next = patchRule(current, dto);
      const ordinal = next.ordinal as number;
      if (policy.rules.some((r) => r.id !== ruleId && r.ordinal === ordinal)) throw duplicate(ordinal, 'ordinal');
      await this.checks.schema(tx, tenantId, [next], () => 'policy_text');
      const updated = await this.policies.updateRule(tx, tenantId, policyId, { ...next, ordinal });
      await this.policies.update(tx, tenantId, policyId, {});
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'rule.updated',
        targetType: 'rule',
        targetId: ruleId,
        data: { policy_id: policyId, changes: dto, policy_text: updated.policyText, previous_policy_text: current.policyText },
      });
      return updated;
    });
    return toRuleView(rule);
  }

  async remove(tenantId: string, policyId: string, ruleId: string, actor: Actor): Promise<void> {
    await this.changes.commit(tenantId, async (tx) => {
      const policy = await this.policy(tx, tenantId, policyId);
      const current = policy.rules.find((r) => r.id === ruleId);
      if (!current || !(await this.policies.deleteRule(tx, tenantId, policyId, ruleId))) throw notFound('Rule');
      await this.policies.update(tx, tenantId, policyId, {});
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'rule.deleted',
        targetType: 'rule',
        targetId: ruleId,
        data: { policy_id: policyId, ordinal: current.ordinal, policy_text: current.policyText },
      });
    });
  }

  /** Renumbers the rules 1..n in the given order, which must name every rule of the policy once. */
  async reorder(tenantId: string, policyId: string, dto: ReorderRulesDto, actor: Actor): Promise<PolicyView> {
    const ids = dto.ids.map((id) => id.toLowerCase());
    const policy = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.policy(tx, tenantId, policyId);
      const existing = new Set(current.rules.map((rule) => rule.id));
      if (ids.length !== existing.size || ids.some((id) => !existing.has(id))) {
        throw invalidInput('ids must list every rule of the policy exactly once', {
          field: 'ids',
          expected: [...existing],
          unknown: ids.filter((id) => !existing.has(id)),
          missing: [...existing].filter((id) => !ids.includes(id)),
        });
      }
      await this.policies.renumber(tx, tenantId, policyId, ids);
      await this.policies.update(tx, tenantId, policyId, {});
      await this.audit.append(tx, tenantId, { actor, action: 'rule.reordered', targetType: 'policy', targetId: policyId, data: { ids } });
      return this.policy(tx, tenantId, policyId);
    });
    return toPolicyView(policy);
  }

  private async policy(tx: Tx, tenantId: string, policyId: string): Promise<PolicyRecord> {
    const policy = await this.policies.find(tenantId, policyId, tx);
    if (!policy) throw notFound('Policy');
    return policy;
  }
}
