import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { AccessPolicyData, AccessPolicyRecord } from './access.types';
import type { Selector } from './selector-checks';
import type { AccessDecision } from './selector-cedar';

type Row = Omit<AccessPolicyRecord, 'include' | 'exclude' | 'require' | 'approvalGroups' | 'extra' | 'decision'> & {
  decision: string;
  include: unknown;
  exclude: unknown;
  require: unknown;
  approvalGroups: unknown;
  extra: unknown;
};

const toRecord = (row: Row): AccessPolicyRecord => ({
  ...row,
  decision: row.decision as AccessDecision,
  include: row.include as Selector[],
  exclude: row.exclude as Selector[],
  require: row.require as Selector[],
  approvalGroups: row.approvalGroups as ApprovalGroup[],
  extra: row.extra as Record<string, unknown>,
});

const data = (policy: AccessPolicyData) => ({ ...policy, approvalGroups: policy.approvalGroups as unknown as object[], extra: policy.extra as object });

/** The only code on access_policies. */
@Injectable()
export class AccessPoliciesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, id: string, ownerAppId: string | null, policy: AccessPolicyData): Promise<AccessPolicyRecord> {
    return toRecord(await tx.accessPolicy.create({ data: { id, tenantId, ownerAppId, ...data(policy) } }));
  }

  async replace(tx: Tx, tenantId: string, id: string, policy: Partial<AccessPolicyData> & { ownerAppId?: string | null }): Promise<AccessPolicyRecord> {
    const { approvalGroups, extra, ...rest } = policy;
    await tx.accessPolicy.updateMany({
      where: { tenantId, id },
      data: { ...rest, ...(approvalGroups && { approvalGroups: approvalGroups as unknown as object[] }), ...(extra && { extra: extra as object }) },
    });
    return toRecord(await tx.accessPolicy.findFirstOrThrow({ where: { tenantId, id } }));
  }

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<AccessPolicyRecord | null> {
    const row = await tx.accessPolicy.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async findMany(tenantId: string, ids: string[], tx: Tx = this.prisma): Promise<AccessPolicyRecord[]> {
    return (await tx.accessPolicy.findMany({ where: { tenantId, id: { in: ids } } })).map(toRecord);
  }

  /** Policies whose compiled text inlines the group (directly or through nested groups). */
  async usingGroup(tx: Tx, tenantId: string, groupId: string): Promise<AccessPolicyRecord[]> {
    return (await tx.accessPolicy.findMany({ where: { tenantId, groupIds: { has: groupId } } })).map(toRecord);
  }

  /** Policies whose compiled text inlines the email list. */
  async usingEmailList(tx: Tx, tenantId: string, listId: string): Promise<AccessPolicyRecord[]> {
    return (await tx.accessPolicy.findMany({ where: { tenantId, emailListIds: { has: listId } } })).map(toRecord);
  }

  /** Policies whose compiled text inlines the IP list (directly or through nested groups). */
  async usingIpList(tx: Tx, tenantId: string, listId: string): Promise<AccessPolicyRecord[]> {
    return (await tx.accessPolicy.findMany({ where: { tenantId, ipListIds: { has: listId } } })).map(toRecord);
  }

  /** How many policies inline each of `listIds` (Cloudflare's num_referencing_filters). */
  async countUsingIpLists(tenantId: string, listIds: string[]): Promise<Map<string, number>> {
    if (listIds.length === 0) return new Map();
    const rows = await this.prisma.accessPolicy.findMany({ where: { tenantId, ipListIds: { hasSome: listIds } }, select: { ipListIds: true } });
    const counts = new Map(listIds.map((id) => [id, 0]));
    for (const row of rows) for (const id of row.ipListIds) if (counts.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }

  async all(tx: Tx, tenantId: string): Promise<AccessPolicyRecord[]> {
    return (await tx.accessPolicy.findMany({ where: { tenantId } })).map(toRecord);
  }

  /** Reusable policies (owner_app_id null), oldest first. */
  async pageReusable(tenantId: string, skip: number, take: number): Promise<{ rows: AccessPolicyRecord[]; total: number }> {
    const where = { tenantId, ownerAppId: null };
    const [rows, total] = await Promise.all([
      this.prisma.accessPolicy.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }),
      this.prisma.accessPolicy.count({ where }),
    ]);
    return { rows: rows.map(toRecord), total };
  }

  async setCompiled(tx: Tx, tenantId: string, id: string, compiled: { cedarConditions: string; groupIds: string[]; emailListIds: string[]; ipListIds: string[] }): Promise<void> {
    await tx.accessPolicy.updateMany({ where: { tenantId, id }, data: compiled });
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    return (await tx.accessPolicy.deleteMany({ where: { tenantId, id } })).count > 0;
  }
}
