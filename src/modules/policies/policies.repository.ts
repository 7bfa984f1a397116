import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import type { StoredPolicy } from '@/modules/decisions/compiled-policy-set';
import { toStoredRule } from './rule.mapper';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { Cursor } from '@/common/http/pagination';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { PolicyRecord, PolicySettings, RuleRecord } from './policy.types';
import type { CompiledRule } from './rule-drafts';
import { afterCursor } from '@/infra/prisma/keyset';

export type NewRule = CompiledRule & { ordinal: number };

type RuleRow = Parameters<typeof toStoredRule>[0] & { policyId: string; createdAt: Date };
type PolicyRow = Omit<PolicyRecord, 'approvalGroups' | 'rules'> & { approvalGroups: unknown; rules: RuleRow[] };

const toRule = (row: RuleRow): RuleRecord => ({ ...toStoredRule(row), policyId: row.policyId, createdAt: row.createdAt });
const toRecord = ({ tenantId: _tenantId, ...row }: PolicyRow & { tenantId: string }): PolicyRecord => ({
  ...row,
  approvalGroups: row.approvalGroups as ApprovalGroup[],
  rules: row.rules.map(toRule),
});
function settingsData<T extends Partial<PolicySettings>>(settings: T): Omit<T, 'approvalGroups'> & { approvalGroups?: Prisma.InputJsonValue } {
  const { approvalGroups, ...rest } = settings;
  return { ...rest, ...(approvalGroups && { approvalGroups: approvalGroups as unknown as Prisma.InputJsonValue }) };
}
const ruleData = (tenantId: string, policyId: string, rule: NewRule) => ({
  id: rule.id,
  tenantId,
  policyId,
  ordinal: rule.ordinal,
  effect: rule.effect,
  policyText: rule.policyText,
  principalScopeType: rule.principalScopeType,
  principalEntityType: rule.principalEntityType,
  principalEntityId: rule.principalEntityId,
  actionScopeType: rule.actionScopeType,
  actionIds: rule.actionIds,
  resourceScopeType: rule.resourceScopeType,
  resourceEntityType: rule.resourceEntityType,
  resourceEntityId: rule.resourceEntityId,
  conditions: rule.conditions,
  notice: rule.notice,
  auditSession: rule.auditSession,
});
const withRules = { rules: { orderBy: { ordinal: 'asc' as const } } };

/** The only code on policies and rules; other modules read through PolicyReads. */
@Injectable()
export class PoliciesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, id: string, settings: PolicySettings, rules: NewRule[]): Promise<PolicyRecord> {
    await tx.policy.create({ data: { id, tenantId, ...settingsData(settings) } });
    await this.insertRules(tx, tenantId, id, rules);
    return (await this.find(tenantId, id, tx)) as PolicyRecord;
  }

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<PolicyRecord | null> {
    const row = await tx.policy.findFirst({ where: { tenantId, id }, include: withRules });
    return row ? toRecord(row) : null;
  }

  async list(tenantId: string, limit: number, after?: Cursor): Promise<PolicyRecord[]> {
    const rows = await this.prisma.policy.findMany({
      where: {
        tenantId,
        ...afterCursor(after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: withRules,
    });
    return rows.map(toRecord);
  }

/** Every policy of the tenant (disabled ones too) with its rules, oldest first (policy bundles). */
  async all(tx: Tx, tenantId: string): Promise<PolicyRecord[]> {
    const rows = await tx.policy.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: withRules });
    return rows.map(toRecord);
  }

    /** Changes settings and always moves `updated_at` (rule changes count as changes of the policy). */
  async update(tx: Tx, tenantId: string, id: string, settings: Partial<PolicySettings>): Promise<void> {
    await tx.policy.updateMany({ where: { tenantId, id }, data: { ...settingsData(settings), updatedAt: new Date() } });
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    return (await tx.policy.deleteMany({ where: { tenantId, id } })).count > 0;
  }

  async insertRules(tx: Tx, tenantId: string, policyId: string, rules: NewRule[]): Promise<void> {
    if (rules.length > 0) await tx.rule.createMany({ data: rules.map((rule) => ruleData(tenantId, policyId, rule)) });
  }

  async deleteRules(tx: Tx, tenantId: string, policyId: string): Promise<void> {
    await tx.rule.deleteMany({ where: { tenantId, policyId } });
  }

  async findRule(tx: Tx, tenantId: string, policyId: string, id: string): Promise<RuleRecord | null> {
    const row = await tx.rule.findFirst({ where: { tenantId, policyId, id } });
    return row ? toRule(row) : null;
  }

  async updateRule(tx: Tx, tenantId: string, policyId: string, rule: NewRule): Promise<RuleRecord> {
    const { id, tenantId: _tenant, policyId: _policy, ...data } = ruleData(tenantId, policyId, rule);
    await tx.rule.updateMany({ where: { tenantId, policyId, id }, data });
    return (await this.findRule(tx, tenantId, policyId, id)) as RuleRecord;
  }

  async deleteRule(tx: Tx, tenantId: string, policyId: string, id: string): Promise<boolean> {
    return (await tx.rule.deleteMany({ where: { tenantId, policyId, id } })).count > 0;
  }

  /** Renumbers 1..n in the given order, in two steps so no step collides with the unique (policy, ordinal). */
  async renumber(tx: Tx, tenantId: string, policyId: string, ids: string[]): Promise<void> {
    await tx.$executeRaw`UPDATE rules SET ordinal = -1 - ordinal WHERE tenant_id = ${tenantId}::uuid AND policy_id = ${policyId}::uuid`;
    const ordinals = ids.map((_id, index) => index + 1);
    await tx.$executeRaw`UPDATE rules AS r SET ordinal = v.ordinal
      FROM unnest(${ids}::uuid[], ${ordinals}::int[]) AS v(id, ordinal)
      WHERE r.id = v.id AND r.tenant_id = ${tenantId}::uuid AND r.policy_id = ${policyId}::uuid`;
  }

  /** Enabled policies with their rules, as the decision engine compiles them (inside the loader's snapshot). */
  async enabledWithRules(tx: Tx, tenantId: string): Promise<StoredPolicy[]> {
    const rows = await tx.policy.findMany({ where: { tenantId, enabled: true }, include: withRules });
    return rows.map((policy) => ({
      id: policy.id,
      name: policy.name,
      priority: policy.priority,
      createdAt: policy.createdAt,
      maxDurationSeconds: policy.maxDurationSeconds,
      defaultDurationSeconds: policy.defaultDurationSeconds,
      notificationChannel: policy.notificationChannel,
      approvalRequired: policy.approvalRequired,
      approvalGroups: policy.approvalGroups as unknown as ApprovalGroup[],
      purposeJustificationRequired: policy.purposeJustificationRequired,
      purposeJustificationPrompt: policy.purposeJustificationPrompt,
      approvalTimeoutSeconds: policy.approvalTimeoutSeconds,
      rules: policy.rules.map(toStoredRule),
    }));
  }

  /** Every rule's text, enabled policies or not (a schema must hold for rules that may be enabled later). */
  async ruleTexts(tx: Tx, tenantId: string): Promise<{ id: string; policyId: string; text: string }[]> {
    const rows = await tx.rule.findMany({ where: { tenantId }, orderBy: [{ policyId: 'asc' }, { ordinal: 'asc' }], select: { id: true, policyId: true, policyText: true } });
    return rows.map((row) => ({ id: row.id, policyId: row.policyId, text: row.policyText }));
  }

  /** The tenant's policies with an approval group on this email list, with their groups. */
  async usingEmailList(tx: Tx, tenantId: string, listId: string): Promise<{ id: string; name: string; approvalGroups: ApprovalGroup[] }[]> {
    const rows = await tx.$queryRaw<{ id: string; name: string; approval_groups: ApprovalGroup[] }[]>`
      SELECT p.id, p.name, p.approval_groups FROM policies p
      WHERE p.tenant_id = ${tenantId}::uuid
        AND EXISTS (
          SELECT 1 FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(p.approval_groups) = 'array' THEN p.approval_groups ELSE '[]'::jsonb END) g
          WHERE lower(g ->> 'email_list_uuid') = ${listId.toLowerCase()})
      ORDER BY p.created_at, p.id`;
    return rows.map((row) => ({ id: row.id, name: row.name, approvalGroups: row.approval_groups }));
  }

  /** Ids of the tenant's policies whose `notification_channel` is `name`. */
  async usingChannel(tx: Tx, tenantId: string, name: string): Promise<string[]> {
    const rows = await tx.policy.findMany({ where: { tenantId, notificationChannel: name }, select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map((row) => row.id);
  }

  /** The policy's name and notification channel; null when it no longer exists. */
  async notificationSettings(tenantId: string, policyId: string): Promise<{ policyName: string; channelName: string | null } | null> {
    const row = await this.prisma.policy.findFirst({ where: { tenantId, id: policyId }, select: { name: true, notificationChannel: true } });
    return row ? { policyName: row.name, channelName: row.notificationChannel } : null;
  }
}
