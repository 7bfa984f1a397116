import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import type { Tx } from '@/infra/prisma/prisma.service';
import { notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { GrantEffects, PendingEffects } from '@/modules/grants/grant-effects';
import { GrantLifecycle } from '@/modules/grants/grant-lifecycle.service';
import { CreatePolicyDto } from './dto/create-policy.dto';
import type { RuleInputDto } from './dto/rule-input.dto';
import { UpdatePolicyDto } from './dto/update-policy.dto';
import { assignOrdinals } from './ordinals';
import { NewRule, PoliciesRepository } from './policies.repository';
import { PolicyChecks } from './policy-checks';
import { mergeSettings, settingsFromCreate } from './policy-settings';
import { PolicyRecord, PolicyView, toPolicyView } from './policy.types';
import { draftRule } from './rule-drafts';

@Injectable()
export class PoliciesService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly policies: PoliciesRepository,
    private readonly checks: PolicyChecks,
    private readonly audit: AuditRepository,
    private readonly lifecycle: GrantLifecycle,
    private readonly effects: GrantEffects,
  ) {}

  async create(tenantId: string, dto: CreatePolicyDto, actor: Actor): Promise<PolicyView> {
    const settings = settingsFromCreate(dto);
    this.checks.settings(settings);
    const id = randomUUID();
    const drafts = this.draftRules(dto.rules ?? []);
    const policy = await this.changes.commit(tenantId, async (tx) => {
      await this.checks.references(tx, tenantId, settings);
      const rules = await this.checkedRules(tx, tenantId, drafts);
      const created = await this.policies.create(tx, tenantId, id, settings, rules);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'policy.created',
        targetType: 'policy',
        targetId: id,
        data: { ...toPolicyView(created), rules: undefined, rule_ids: created.rules.map((rule) => rule.id) },
      });
      return created;
    });
    return toPolicyView(policy);
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<PolicyView>> {
    const limit = pageSize(query);
    return toPage(await this.policies.list(tenantId, limit + 1, decodeCursor(query.cursor)), limit, toPolicyView);
  }

  async get(tenantId: string, id: string): Promise<PolicyView> {
    const policy = await this.policies.find(tenantId, id);
    if (!policy) throw notFound('Policy');
    return toPolicyView(policy);
  }

  async update(tenantId: string, id: string, dto: UpdatePolicyDto, actor: Actor): Promise<PolicyView> {
    const drafts = dto.rules && this.draftRules(dto.rules);
    const ended: PendingEffects[] = [];
    const policy = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.policies.find(tenantId, id, tx);
      if (!current) throw notFound('Policy');
      const { settings, changed } = mergeSettings(current, dto);
      this.checks.settings(settings);
      await this.checks.references(tx, tenantId, settings);
      const data: Record<string, unknown> = { changes: Object.fromEntries(changed.map((field) => [field, dto[field as keyof UpdatePolicyDto]])) };
      if (drafts) {
        const rules = await this.checkedRules(tx, tenantId, drafts);
        await this.policies.deleteRules(tx, tenantId, id);
        await this.policies.insertRules(tx, tenantId, id, rules);
        data.rules_replaced = { removed: current.rules.map((rule) => rule.id), added: rules.map((rule) => rule.id) };
        data.cedar_policy_set = rules.map((rule) => rule.policyText).join('\n\n');
      }
      await this.policies.update(tx, tenantId, id, settings);
      await this.audit.append(tx, tenantId, { actor, action: 'policy.updated', targetType: 'policy', targetId: id, data });
      if (current.enabled && !settings.enabled) ended.push(...(await this.lifecycle.denyPendingOfPolicy(tx, tenantId, id, 'policy disabled', actor)));
      return (await this.policies.find(tenantId, id, tx)) as PolicyRecord;
    });
    await this.effects.committed(ended);
    return toPolicyView(policy);
  }

  /** Deleting a policy ends its pending requests `denied` in the same transaction (PRODUCT.md section 14). */
  async remove(tenantId: string, id: string, actor: Actor): Promise<void> {
    const ended = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.policies.find(tenantId, id, tx);
      if (!current) throw notFound('Policy');
      const denied = await this.lifecycle.denyPendingOfPolicy(tx, tenantId, id, 'policy deleted', actor);
      if (!(await this.policies.delete(tx, tenantId, id))) throw notFound('Policy');
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'policy.deleted',
        targetType: 'policy',
        targetId: id,
        data: { name: current.name, rule_ids: current.rules.map((rule) => rule.id) },
      });
      return denied;
    });
    await this.effects.committed(ended);
  }

  /** Cedar text for each rule, checked before any database work. */
  private draftRules(inputs: RuleInputDto[]) {
    const ordinals = assignOrdinals(inputs.map((input) => input.ordinal), []);
    return inputs.map((input, index): NewRule => ({ ...draftRule(randomUUID(), input, `rules[${index}].`), ordinal: ordinals[index] }));
  }

  private async checkedRules(tx: Tx, tenantId: string, rules: NewRule[]): Promise<NewRule[]> {
    const position = new Map(rules.map((rule, index) => [rule.id, index]));
    await this.checks.schema(tx, tenantId, rules, (ruleId) => `rules[${position.get(ruleId)}]`);
    return rules;
  }
}
