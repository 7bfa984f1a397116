import type { Decision, EvaluationError, GoverningPolicy } from './decision.types';

/** Cedar's answer over some rules, with the rule ids of `diagnostics.reason` and the rules whose evaluation errored. */
export interface TierAnswer {
  decision: 'allow' | 'deny';
  reasons: string[];
  errors: { ruleId: string; message: string }[];
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

/** What a set of rules said, fail-closed: a forbid that errored counts as satisfied, a permit that errored does not. */
interface Verdict {
  forbids: string[];
  /** Satisfied permits; complete only when Cedar allowed (a deny reports only forbids). */
  permits: string[];
  permitsComplete: boolean;
  errors: TierAnswer['errors'];
}

function verdictOf(answer: TierAnswer, rules: ReadonlyMap<string, RuleInfo>): Verdict {
  const erroredForbids = answer.errors.filter((e) => rules.get(e.ruleId)?.effect === 'forbid').map((e) => e.ruleId);
  const satisfied = answer.reasons.filter((id) => rules.has(id));
  return {
    forbids: [...new Set([...(answer.decision === 'deny' ? satisfied : []), ...erroredForbids])],
    permits: answer.decision === 'allow' ? satisfied : [],
    permitsComplete: answer.decision === 'allow',
    errors: answer.errors,
  };
}

const older = (a: PolicyInfo, b: PolicyInfo): PolicyInfo =>
  a.createdAt.getTime() !== b.createdAt.getTime() ? (a.createdAt < b.createdAt ? a : b) : a.id < b.id ? a : b;

const noticesOf = (rules: RuleInfo[]): string[] =>
  rules.map((rule) => rule.notice).filter((notice): notice is string => notice !== null && notice !== '');

function evaluationErrors(errors: TierAnswer['errors'], rules: ReadonlyMap<string, RuleInfo>): EvaluationError[] {
  const seen = new Set<string>();
  return errors
    .filter((e) => !seen.has(e.ruleId) && seen.add(e.ruleId))
    .map((e) => {
      const rule = rules.get(e.ruleId);
      return { ruleId: e.ruleId, policyId: rule?.policyId ?? null, effect: rule?.effect ?? null, message: e.message };
    })
    .sort((a, b) => (rules.get(a.ruleId)?.order ?? 0) - (rules.get(b.ruleId)?.order ?? 0));
}

/** One human-readable notice per evaluation error, saying what it did to the decision. */
export function errorNotices(errors: EvaluationError[]): string[] {
  return errors.map((e) =>
    e.effect === 'forbid'
      ? `Forbid rule ${e.ruleId} could not be evaluated (${e.message}); a forbid that cannot be evaluated denies`
      : `Permit rule ${e.ruleId} could not be evaluated (${e.message}); it permits nothing`,
  );
}

/**
 * The decision once the deciding tier is known: deny with its forbids, or allow with the permits of the oldest
 * policy owning one (PRODUCT.md section 5). `errors` are the evaluation errors of the tiers evaluated up to it.
 */
function decided(
  kind: 'allow' | 'deny' | 'none',
  ruleIds: string[],
  errors: TierAnswer['errors'],
  rules: ReadonlyMap<string, RuleInfo>,
  policies: ReadonlyMap<string, PolicyInfo>,
  policySetVersion: bigint,
): Decision {
  const evaluation = evaluationErrors(errors, rules);
  const determining = ruleIds
    .map((id) => rules.get(id))
    .filter((rule): rule is RuleInfo => rule !== undefined)
    .sort((a, b) => a.order - b.order);
  const base = { auditSession: false, policySetVersion, evaluationErrors: evaluation };
  if (kind === 'none') return { ...base, decision: 'deny', policy: null, determiningRuleIds: [], notices: errorNotices(evaluation) };
  if (kind === 'deny') {
    return { ...base, decision: 'deny', policy: null, determiningRuleIds: determining.map((r) => r.id), notices: [...noticesOf(determining), ...errorNotices(evaluation)] };
  }
  const owners = [...new Set(determining.map((rule) => rule.policyId))]
    .map((id) => policies.get(id))
    .filter((policy): policy is PolicyInfo => policy !== undefined);
  const governing = owners.reduce(older);
  const own = determining.filter((rule) => rule.policyId === governing.id);
  const { createdAt: _createdAt, ...policy } = governing;
  return {
    ...base,
    decision: 'allow',
    policy,
    determiningRuleIds: own.map((rule) => rule.id),
    notices: [...noticesOf(own), ...errorNotices(evaluation)],
    auditSession: own.some((rule) => rule.auditSession),
  };
}

/**
 * PRODUCT.md sections 5 and 14, tier by tier: tiers come highest priority first and are only evaluated until one
 * decides (any rule satisfied). A forbid whose evaluation errors counts as satisfied; a permit that errors does not.
 * Deny: the satisfied forbids. Allow: the oldest policy owning a satisfied permit governs, and its satisfied permits
 * are the determining rules. No tier decides: deny with no rules.
 */
export function decideTiers(
  answers: Iterable<TierAnswer>,
  rules: ReadonlyMap<string, RuleInfo>,
  policies: ReadonlyMap<string, PolicyInfo>,
  policySetVersion: bigint,
): Decision {
  const errors: TierAnswer['errors'] = [];
  for (const answer of answers) {
    const verdict = verdictOf(answer, rules);
    errors.push(...verdict.errors);
    if (verdict.forbids.length > 0) return decided('deny', verdict.forbids, errors, rules, policies, policySetVersion);
    if (verdict.permits.length > 0) return decided('allow', verdict.permits, errors, rules, policies, policySetVersion);
  }
  return decided('none', [], errors, rules, policies, policySetVersion);
}

/**
 * The same decision as decideTiers, with one or two Cedar calls over the candidate rules of all tiers (`candidates`
 * in tier order, `tierOf` gives a rule's tier position, 0 = highest priority). Cedar reports every satisfied permit
 * when it allows and every satisfied forbid when it denies, and every rule that errored either way, so:
 * - no forbid satisfied or errored anywhere: the highest tier with a satisfied permit decides;
 * - otherwise the highest tier with such a forbid denies, unless a permit is satisfied in a tier above it, which
 *   the first answer shows when Cedar allowed, and a second call over only those tiers finds when it denied.
 */
export function decideAcrossTiers(
  candidates: string[],
  tierOf: ReadonlyMap<string, number>,
  ask: (ruleIds: string[]) => TierAnswer,
  rules: ReadonlyMap<string, RuleInfo>,
  policies: ReadonlyMap<string, PolicyInfo>,
  policySetVersion: bigint,
): Decision {
  if (candidates.length === 0) return decided('none', [], [], rules, policies, policySetVersion);
  const tier = (id: string) => tierOf.get(id) ?? Number.MAX_SAFE_INTEGER;
  const highest = (ids: string[]) => Math.min(...ids.map(tier));
  const upTo = (top: number, errors: TierAnswer['errors']) => errors.filter((e) => tier(e.ruleId) <= top);
  const first = verdictOf(ask(candidates), rules);
  const decide = (kind: 'allow' | 'deny', ids: string[]) => {
    const top = highest(ids);
    return decided(kind, ids.filter((id) => tier(id) === top), upTo(top, first.errors), rules, policies, policySetVersion);
  };
  if (first.forbids.length === 0) {
    return first.permits.length > 0 ? decide('allow', first.permits) : decided('none', [], first.errors, rules, policies, policySetVersion);
  }
  const forbidTier = highest(first.forbids);
  if (first.permits.length > 0 && highest(first.permits) < forbidTier) return decide('allow', first.permits);
  if (!first.permitsComplete) {
    const above = candidates.filter((id) => tier(id) < forbidTier);
    const second = above.length > 0 ? verdictOf(ask(above), rules) : null;
    // Rules above forbidTier neither satisfied nor errored a forbid in the first call, and evaluation is
    // deterministic, so the second answer can only hold permits.
    if (second && second.forbids.length === 0 && second.permits.length > 0) return decide('allow', second.permits);
  }
  return decide('deny', first.forbids);
}
