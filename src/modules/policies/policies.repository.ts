import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { toStoredRule } from '@/modules/decisions/policy-set.repository';
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
}
