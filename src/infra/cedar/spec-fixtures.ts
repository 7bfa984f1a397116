import type { GoverningPolicy } from './decision.types';
import type { RuleFields } from './rule-scope';

/** Shared by specs. A permit in every scope with no conditions, to be overridden field by field. */
export const OPEN_RULE: RuleFields = {
  effect: 'permit',
  principalScopeType: 'any',
  principalEntityType: null,
  principalEntityId: null,
  actionScopeType: 'any',
  actionIds: [],
  resourceScopeType: 'any',
  resourceEntityType: null,
  resourceEntityId: null,
  conditions: null,
};

/** Shared by specs. A policy's settings with nothing asked of the requester: one hour at most, no approval. */
export const PLAIN_POLICY: Omit<GoverningPolicy, 'id' | 'name'> = {
  maxDurationSeconds: 3600,
  defaultDurationSeconds: null,
  notificationChannel: null,
  approvalRequired: false,
  approvalGroups: [],
  purposeJustificationRequired: false,
  purposeJustificationPrompt: null,
  approvalTimeoutSeconds: 86400,
};
