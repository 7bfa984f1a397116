import type { Decision, GoverningPolicy } from './decision.types';

/** Cedar's answer for one tier (one priority), with the rule ids of `diagnostics.reason`. */
export interface TierAnswer {
  decision: 'allow' | 'deny';
  reasons: string[];
  errors: string[];
}

export interface RuleInfo {
  id: string;
  policyId: string;
  effect: 'permit' | 'forbid';
  notice: string | null;
  auditSession: boolean;
  /** Position in the tenant's rule order (priority, policy age, ordinal): keeps outputs stable. */
  order: number;
}

export interface PolicyInfo extends GoverningPolicy {
  createdAt: Date;
}

const older = (a: PolicyInfo, b: PolicyInfo): PolicyInfo =>
  a.createdAt.getTime() !== b.createdAt.getTime() ? (a.createdAt < b.createdAt ? a : b) : a.id < b.id ? a : b;

/**
 * PRODUCT.md section 5: tiers come highest priority first and are only evaluated until one decides (any rule
 * satisfied). Deny: the satisfied forbids. Allow: the oldest policy owning a satisfied permit governs, and its
 * satisfied permits are the determining rules. No tier decides: deny with no rules.
 */
export function decideTiers(
  answers: Iterable<TierAnswer>,
  rules: ReadonlyMap<string, RuleInfo>,
  policies: ReadonlyMap<string, PolicyInfo>,
  policySetVersion: bigint,
): Decision {
  const errors: string[] = [];
  for (const answer of answers) {
    errors.push(...answer.errors);
    const determining = answer.reasons
      .map((id) => rules.get(id))
      .filter((rule): rule is RuleInfo => rule !== undefined)
      .sort((a, b) => a.order - b.order);
    if (determining.length === 0) continue;
    if (answer.decision === 'deny') {
      const forbids = determining.filter((rule) => rule.effect === 'forbid');
      return {
        decision: 'deny',
        policy: null,
        determiningRuleIds: forbids.map((rule) => rule.id),
        notices: noticesOf(forbids),
        auditSession: false,
        policySetVersion,
        errors,
      };
    }
    const owners = [...new Set(determining.map((rule) => rule.policyId))]
      .map((id) => policies.get(id))
      .filter((policy): policy is PolicyInfo => policy !== undefined);
    if (owners.length === 0) continue;
    const governing = owners.reduce(older);
    const own = determining.filter((rule) => rule.policyId === governing.id);
    const { createdAt: _createdAt, ...policy } = governing;
    return {
      decision: 'allow',
      policy,
      determiningRuleIds: own.map((rule) => rule.id),
      notices: noticesOf(own),
      auditSession: own.some((rule) => rule.auditSession),
      policySetVersion,
      errors,
    };
  }
  return { decision: 'deny', policy: null, determiningRuleIds: [], notices: [], auditSession: false, policySetVersion, errors };
}

const noticesOf = (rules: RuleInfo[]): string[] =>
  rules.map((rule) => rule.notice).filter((notice): notice is string => notice !== null && notice !== '');
