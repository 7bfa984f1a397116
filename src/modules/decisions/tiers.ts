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

/**
 * The same decision as asking Cedar tier by tier, with one or two Cedar calls over the candidate rules of all tiers
 * (`candidates` in tier order, `tierOf` gives a rule's tier position, 0 = highest priority). Cedar reports every
 * satisfied permit when it allows and every satisfied forbid when it denies, so:
 * - allow: no forbid is satisfied anywhere; the highest tier with a satisfied permit decides;
 * - deny with forbids: the highest such tier decides, unless a permit is satisfied in a tier above it, which a
 *   second call over only those tiers finds;
 * - nothing satisfied: no tier decides.
 */
export function decideAcrossTiers(
  candidates: string[],
  tierOf: ReadonlyMap<string, number>,
  ask: (ruleIds: string[]) => TierAnswer,
  rules: ReadonlyMap<string, RuleInfo>,
  policies: ReadonlyMap<string, PolicyInfo>,
  policySetVersion: bigint,
): Decision {
  if (candidates.length === 0) return decideTiers([], rules, policies, policySetVersion);
  const tier = (id: string) => tierOf.get(id) ?? Number.MAX_SAFE_INTEGER;
  const highest = (ids: string[]) => Math.min(...ids.map(tier));
  const first = ask(candidates);
  const errors = [...first.errors];
  let deciding: TierAnswer | null = null;
  if (first.reasons.length > 0 && first.decision === 'allow') {
    const top = highest(first.reasons);
    deciding = { decision: 'allow', reasons: first.reasons.filter((id) => tier(id) === top), errors: [] };
  } else if (first.reasons.length > 0) {
    const forbidTier = highest(first.reasons);
    const above = candidates.filter((id) => tier(id) < forbidTier);
    const second = above.length > 0 ? ask(above) : null;
    if (second && second.reasons.length > 0 && second.decision === 'allow') {
      const top = highest(second.reasons);
      deciding = { decision: 'allow', reasons: second.reasons.filter((id) => tier(id) === top), errors: [] };
    } else {
      deciding = { decision: 'deny', reasons: first.reasons.filter((id) => tier(id) === forbidTier), errors: [] };
    }
  }
  const decision = decideTiers(deciding ? [deciding] : [], rules, policies, policySetVersion);
  return { ...decision, errors };
}
