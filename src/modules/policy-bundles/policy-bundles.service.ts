import { Injectable } from '@nestjs/common';
import { conflict, invalidInput } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { CompiledPolicySet } from '@/modules/decisions/compiled-policy-set';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { GrantEffects, PendingEffects } from '@/modules/grants/grant-effects';
import { GrantLifecycle } from '@/modules/grants/grant-lifecycle.service';
import { GrantTransitions } from '@/modules/grants/grant-transitions';
import type { Tx } from '@/infra/prisma/prisma.service';
import { parseBundle } from './bundle-parse';
import { BundleDiff, diffDraft, isEmptyDiff } from './bundle-diff';
import { buildDraft, Draft, draftPolicySet } from './bundle-draft';
import { computeImpact, DraftEvaluator, Impact, runTests, TestResult } from './bundle-evaluation';
import { exportBundle } from './bundle-export';
import { BundleState, Snapshot } from './bundle-state';
import { BundleWriter } from './bundle-writer';

export interface PlanView {
  policy_set_version: number;
  valid: boolean;
  tests: TestResult[];
  diff: BundleDiff;
  impact: Impact;
}

export type ApplyView = PlanView & { applied: true };

export const ON_IMPACT = ['keep', 'revoke'] as const;
export type OnImpact = (typeof ON_IMPACT)[number];

/** Reason recorded on grants a bundle's apply ends. */
export const POLICY_CHANGED = 'policy changed';

/** Thrown inside the apply's transaction to roll back the version bump when the bundle changes nothing. */
class NothingToApply extends Error {
  constructor(readonly plan: PlanView) {
    super('nothing to apply');
  }
}

/** `If-Match` as sent (`7`, `"7"`, `W/"7"`): the policy-set version the caller planned against. */
export function parseIfMatch(header: string | undefined): bigint {
  if (header === undefined || header.trim() === '') throw invalidInput('If-Match with the policy-set version (from plan or export) is required', { field: 'If-Match' });
  const match = /^(?:W\/)?"?(\d{1,18})"?$/.exec(header.trim());
  if (!match) throw invalidInput('If-Match must be the policy-set version, a whole number', { field: 'If-Match' });
  return BigInt(match[1]);
}

/** PRODUCT.md section 17: plan, apply and export of a tenant's policies as one document. */
@Injectable()
export class PolicyBundlesService {
  constructor(
    private readonly state: BundleState,
    private readonly writer: BundleWriter,
    private readonly changes: PolicySetChanges,
    private readonly transitions: GrantTransitions,
    private readonly lifecycle: GrantLifecycle,
    private readonly effects: GrantEffects,
    private readonly audit: AuditRepository,
  ) {}

  /** Validates, runs the expectations and computes diff and impact against the live state; stores nothing. */
  async plan(tenantId: string, body: unknown): Promise<PlanView> {
    const bundle = parseBundle(body);
    return this.state.inSnapshot(tenantId, async (snapshot) => (await this.compute(tenantId, bundle, snapshot)).view);
  }

  async current(tenantId: string): Promise<{ version: bigint; bundle: Record<string, unknown> }> {
    const { live } = await this.state.inSnapshot(tenantId, (snapshot) => Promise.resolve(snapshot));
    return { version: live.version, bundle: exportBundle(live) };
  }

  /**
   * The plan again, inside one transaction that holds the tenant's policy-set lock (no decision can commit on the
   * old set meanwhile): refused unless every expectation passes and the version is `expected`; then the objects
   * are replaced, policies the bundle removes or disables end their pending requests, and with `revoke` the
   * impact's grants are revoked and its pending requests denied. A bundle that changes nothing writes nothing.
   */
  async apply(tenantId: string, body: unknown, expected: bigint, onImpact: OnImpact, actor: Actor): Promise<ApplyView> {
    const bundle = parseBundle(body);
    const ended: PendingEffects[] = [];
    const checked = new Set<string>();
    // Planned once outside the transaction: a stale version or a failing expectation is refused without taking the
    // tenant's lock, and the Cedar checks of new rules are not repeated while it is held.
    const early = await this.state.inSnapshot(tenantId, (snapshot) => this.compute(tenantId, bundle, snapshot, checked));
    if (early.view.policy_set_version !== Number(expected)) throw conflict(`The policy set is at version ${early.view.policy_set_version}, not ${expected}: plan again`, { policy_set_version: early.view.policy_set_version });
    this.refuseFailures(early.view);
    if (isEmptyDiff(early.view.diff)) return { ...early.view, applied: true };
    try {
      const view = await this.changes.commit(tenantId, async (tx, version) => {
        const before = version - 1n;
        if (before !== expected) throw conflict(`The policy set is at version ${before}, not ${expected}: plan again`, { policy_set_version: Number(before) });
        const snapshot = await this.state.read(tx, tenantId, before);
        const { view, draft } = await this.compute(tenantId, bundle, snapshot, checked);
        this.refuseFailures(view);
        if (isEmptyDiff(view.diff)) throw new NothingToApply(view);
        await this.writer.checkReceivers(draft, view.diff);
        await this.writer.write(tx, tenantId, draft, snapshot.live, view.diff, actor);
        ended.push(...(await this.endImpact(tx, tenantId, draft, snapshot, view.impact, onImpact, actor)));
        await this.audit.append(tx, tenantId, {
          actor,
          action: 'policy_bundle.applied',
          targetType: 'policy_set',
          targetId: tenantId,
          data: { from_version: Number(before), policy_set_version: Number(version), on_impact: onImpact, diff: view.diff, ended_grant_ids: ended.map((e) => e.grant.id) },
        });
        return { ...view, policy_set_version: Number(version) };
      });
      await this.effects.committed(ended);
      return { ...view, applied: true };
    } catch (error) {
      if (error instanceof NothingToApply) return { ...error.plan, applied: true };
      throw error;
    }
  }

  private refuseFailures(view: PlanView): void {
    const failed = view.tests.filter((test) => !test.passed);
    if (failed.length > 0) throw invalidInput(`${failed.length} expectation(s) of the bundle failed`, { failed_tests: failed }, failed.flatMap((t) => t.notices));
  }

  private async compute(tenantId: string, bundle: ReturnType<typeof parseBundle>, snapshot: Snapshot, checked = new Set<string>()): Promise<{ view: PlanView; draft: Draft }> {
    const draft = buildDraft(bundle, snapshot.live, checked);
    const set = draftPolicySet(draft, tenantId);
    const evaluator = new DraftEvaluator(new CompiledPolicySet(set), set.policies.flatMap((p) => p.rules.map((r) => r.policyText)));
    const names = new Map([...draft.policies.map((p): [string, string] => [p.id, p.settings.name]), ...draft.accessPolicies.map((p): [string, string] => [p.id, p.name])]);
    const tests = await runTests(evaluator, bundle.tests, names);
    const diff = diffDraft(draft, snapshot.live);
    const impact = isEmptyDiff(diff) ? { active_denied: [], pending_denied: [], pending_rerouted: [] } : await computeImpact(evaluator, draft, snapshot.candidates());
    return { draft, view: { policy_set_version: Number(snapshot.live.version), valid: tests.every((test) => test.passed), tests, diff, impact } };
  }

  /** Section 14 always (a removed or disabled policy ends its pending requests); the impact with `revoke`. */
  private async endImpact(tx: Tx, tenantId: string, draft: Draft, snapshot: Snapshot, impact: Impact, onImpact: OnImpact, actor: Actor): Promise<PendingEffects[]> {
    const ended: PendingEffects[] = [];
    const enabled = new Set(draft.policies.filter((p) => p.settings.enabled && p.live).map((p) => p.id));
    for (const policy of snapshot.live.policies.filter((p) => p.enabled && !enabled.has(p.id))) {
      ended.push(...(await this.lifecycle.denyPendingOfPolicy(tx, tenantId, policy.id, POLICY_CHANGED, actor)));
    }
    if (onImpact === 'keep') return ended;
    const done = new Set(ended.map((e) => e.grant.id));
    const end = async (grantId: string, event: 'revoke' | 'deny', ruleIds: string[]) => {
      if (done.has(grantId)) return;
      const change = await this.transitions.applyInTx(tx, tenantId, grantId, {
        event,
        actor,
        patch: { endedAt: new Date(), endedReason: POLICY_CHANGED },
        data: { reason: POLICY_CHANGED, determining_rule_ids: ruleIds },
      });
      if (change) ended.push(change);
    };
    for (const grant of impact.active_denied) await end(grant.grant_id, 'revoke', grant.determining_rule_ids);
    for (const grant of impact.pending_denied) await end(grant.grant_id, 'deny', grant.determining_rule_ids);
    return ended;
  }
}

