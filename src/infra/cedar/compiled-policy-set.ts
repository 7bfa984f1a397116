import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { invalidInput } from '@/common/errors/domain-error';
import { CedarEntity, cedarMessages, CedarSchemaValue, schemaActionEdges } from './cedar-checks';
import { isEntityType, uidsInText } from './cedar-text';
import type { Decision, EvaluationRequest } from './decision.types';
import { EntityGraph, entityRefs, uidKey } from './entity-graph';
import type { PreparsedSlots } from './preparsed-sets';
import { RequestShape, RuleIndex } from './rule-index';
import { resolveScopes, RuleFields } from './rule-scope';
import { decideTiers, PolicyInfo, RuleInfo, TierAnswer } from './tiers';

export interface StoredRule extends RuleFields {
  id: string;
  ordinal: number;
  policyText: string;
  notice: string | null;
  auditSession: boolean;
}

export interface StoredPolicy extends PolicyInfo {
  priority: number;
  rules: StoredRule[];
}

/** Everything a tenant's decisions depend on, as read in one consistent snapshot. */
export interface PolicySetData {
  tenantId: string;
  version: bigint;
  /** Enabled policies only. */
  policies: StoredPolicy[];
  entities: CedarEntity[];
  schema: CedarSchemaValue | null;
}

export interface EngineSlots {
  policies: PreparsedSlots;
  schemas: PreparsedSlots;
}

interface Tier {
  priority: number;
  rules: StoredRule[];
  /** Entity literals in each rule's conditions, by position. */
  literals: string[][];
  index: RuleIndex;
}

const SCHEMA_CONTEXT_HINT =
  "With a Cedar schema, each action's context must declare every key a request sends, including the ones the " +
  'service always sets: duration_seconds (Long), justification (String) and requested_at (String).';

/** Above this many candidates, when they are most of the tier, the whole tier's set is used (one cached set). */
const WHOLE_TIER_ABOVE = 64;

/** A tenant's policy set at one version, indexed for evaluation; immutable. */
export class CompiledPolicySet {
  private readonly tiers: Tier[];
  private readonly rules = new Map<string, RuleInfo>();
  private readonly policies = new Map<string, PolicyInfo>();
  private readonly graph: EntityGraph;

  constructor(private readonly data: PolicySetData) {
    const byPriority = new Map<number, StoredPolicy[]>();
    const ordered = [...data.policies].sort((a, b) => b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    for (const policy of ordered) byPriority.set(policy.priority, [...(byPriority.get(policy.priority) ?? []), policy]);
    let order = 0;
    this.tiers = [...byPriority.entries()].map(([priority, policies]) => {
      const rules = policies.flatMap((policy) => [...policy.rules].sort((a, b) => a.ordinal - b.ordinal));
      for (const policy of policies) {
        const { rules: _rules, priority: _priority, ...info } = policy;
        this.policies.set(policy.id, info);
        for (const rule of policy.rules) {
          this.rules.set(rule.id, { id: rule.id, policyId: policy.id, effect: rule.effect, notice: rule.notice, auditSession: rule.auditSession, order: 0 });
        }
      }
      for (const rule of rules) (this.rules.get(rule.id) as RuleInfo).order = order++;
      const literals = rules.map((rule) => uidsInText(rule.conditions ?? '').filter((uid) => isEntityType(uid.type)).map(uidKey));
      return { priority, rules, literals, index: new RuleIndex(rules.map((rule) => resolveScopes(rule).scopes)) };
    });
    this.graph = new EntityGraph(data.entities, data.schema === null ? [] : schemaActionEdges(data.schema));
  }

  get version(): bigint {
    return this.data.version;
  }

  get ruleCount(): number {
    return this.rules.size;
  }

  /** Cedar decides each tier (highest priority first) over the rules whose scope can match, until one decides. */
  evaluate(request: EvaluationRequest, slots: EngineSlots): Decision {
    for (const [name, uid] of [['principal', request.principal], ['action', request.action], ['resource', request.resource]] as const) {
      if (!isEntityType(uid.type)) throw invalidInput(`${name}.type must be a Cedar entity type name`, { field: `${name}.type` });
    }
    const keys = { principal: uidKey(request.principal), action: uidKey(request.action), resource: uidKey(request.resource) };
    const shape: RequestShape = {
      principal: { key: keys.principal, type: request.principal.type, ancestors: this.graph.ancestorsOrSelf(keys.principal) },
      action: { key: keys.action, ancestors: this.graph.ancestorsOrSelf(keys.action) },
      resource: { key: keys.resource, type: request.resource.type, ancestors: this.graph.ancestorsOrSelf(keys.resource) },
    };
    const roots = [keys.principal, keys.action, keys.resource, ...entityRefs(request.context).filter((uid) => isEntityType(uid.type)).map(uidKey)];
    const schemaSlot = this.data.schema === null ? undefined : slots.schemas.acquire(`${this.data.tenantId}|${this.data.version}`, () => this.data.schema as cedar.Schema);
    const tiers = this.tiers;
    const ask = (tier: Tier, positions: number[]) => this.ask(tier, positions, request, roots, slots.policies, schemaSlot);
    function* answers(): Generator<TierAnswer> {
      for (const tier of tiers) {
        const positions = tier.index.candidates(shape);
        if (positions.length > 0) yield ask(tier, positions);
      }
    }
    return decideTiers(answers(), this.rules, this.policies, this.data.version);
  }

  private ask(tier: Tier, positions: number[], request: EvaluationRequest, roots: string[], sets: PreparsedSlots, schemaSlot: string | undefined): TierAnswer {
    const whole = positions.length > WHOLE_TIER_ABOVE && positions.length * 2 > tier.rules.length;
    const chosen = whole ? tier.rules.map((_rule, index) => index) : positions;
    const key = `${this.data.tenantId}|${this.data.version}|${tier.priority}|${whole ? '*' : positions.join(',')}`;
    const slot = sets.acquire(key, () => ({
      staticPolicies: Object.fromEntries(chosen.map((index) => [tier.rules[index].id, tier.rules[index].policyText])),
    }));
    const entities = this.graph.slice([...roots, ...positions.flatMap((index) => tier.literals[index])]);
    const answer = cedar.statefulIsAuthorized({
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context as cedar.Context,
      entities: entities as cedar.EntityJson[],
      preparsedPolicySetId: slot,
      ...(schemaSlot !== undefined && { preparsedSchemaName: schemaSlot }),
      validateRequest: false,
    });
    if (answer.type === 'failure') {
      const notices = cedarMessages(answer.errors);
      if (schemaSlot !== undefined && notices.some((notice) => notice.includes('context'))) notices.push(SCHEMA_CONTEXT_HINT);
      throw invalidInput('Cedar could not evaluate the request', undefined, notices);
    }
    const { decision, diagnostics } = answer.response;
    return { decision, reasons: diagnostics.reason, errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`) };
  }
}
