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
