import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import type { CedarEntity, CedarSchemaValue, EntityUid } from '@/infra/cedar/cedar-types';
import type { PolicySetData, StoredPolicy, StoredRule } from './compiled-policy-set';
import type { ApprovalGroup } from './decision.types';
import type { ActionScopeType, Effect, EntityScopeType } from '@/infra/cedar/rule-scope';

type RuleRow = Omit<StoredRule, 'effect' | 'principalScopeType' | 'actionScopeType' | 'resourceScopeType'> & {
  effect: string;
  principalScopeType: string;
  actionScopeType: string;
  resourceScopeType: string;
};

export const toStoredRule = (row: RuleRow): StoredRule => ({
  id: row.id,
  ordinal: row.ordinal,
  effect: row.effect as Effect,
  policyText: row.policyText,
  principalScopeType: row.principalScopeType as EntityScopeType,
  principalEntityType: row.principalEntityType,
  principalEntityId: row.principalEntityId,
  actionScopeType: row.actionScopeType as ActionScopeType,
  actionIds: row.actionIds,
  resourceScopeType: row.resourceScopeType as EntityScopeType,
  resourceEntityType: row.resourceEntityType,
  resourceEntityId: row.resourceEntityId,
  conditions: row.conditions,
  notice: row.notice,
  auditSession: row.auditSession,
});

export const toCedarEntity = (row: { type: string; entityId: string; attrs: unknown; parents: unknown }): CedarEntity => ({
  uid: { type: row.type, id: row.entityId },
  attrs: (row.attrs ?? {}) as Record<string, unknown>,
  parents: (row.parents ?? []) as EntityUid[],
});

/** Reads what a tenant's decisions depend on, in one repeatable-read snapshot labelled with its version. */
@Injectable()
export class PolicySetRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly state: TenantStateRepository,
  ) {}

  async load(tenantId: string): Promise<PolicySetData> {
    return this.prisma.$transaction(
      async (tx) => {
        const state = await this.state.find(tenantId, tx);
        const policies = await tx.policy.findMany({ where: { tenantId, enabled: true }, include: { rules: true } });
        const entities = await tx.entity.findMany({ where: { tenantId } });
        const schema = await tx.cedarSchema.findUnique({ where: { tenantId } });
        return {
          tenantId,
          version: state.policyVersion,
          policies: policies.map(
            (policy): StoredPolicy => ({
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
            }),
          ),
          entities: entities.map(toCedarEntity),
          schema: (schema?.schema ?? null) as CedarSchemaValue | null,
        };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  }
}
