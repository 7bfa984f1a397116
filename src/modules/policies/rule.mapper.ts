import type { ActionScopeType, Effect, EntityScopeType } from '@/infra/cedar/rule-scope';
import type { StoredRule } from '@/modules/decisions/compiled-policy-set';

/** The rules row as Prisma returns it. */
export type RuleRow = Omit<StoredRule, 'effect' | 'principalScopeType' | 'actionScopeType' | 'resourceScopeType'> & {
  effect: string;
  principalScopeType: string;
  actionScopeType: string;
  resourceScopeType: string;
};

/** Row to the rule the decision engine compiles: where the row shape and the rule meet. */
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
