import { invalidInput } from '@/common/errors/domain-error';
import { authorizePreparsed, CedarRequestError } from '@/infra/cedar/authorize';
import type { CedarEntity, CedarSchemaValue } from '@/infra/cedar/cedar-types';
import { schemaActionEdges } from '@/infra/cedar/cedar-checks';
import { isEntityType, uidsInText } from '@/infra/cedar/cedar-text';
import type { Decision, EvaluationRequest } from './decision.types';
import { EntityGraph, entityRefs, uidKey } from './entity-graph';
import { groupUids, isPerson, personEntity } from './person-entity';
import type { PreparsedSlots } from '@/infra/cedar/preparsed-sets';
import { RequestShape, RuleIndex } from './rule-index';
import { resolveScopes, RuleFields } from '@/infra/cedar/rule-scope';
import { decideAcrossTiers, PolicyInfo, RuleInfo, TierAnswer } from './tiers';

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

const SCHEMA_CONTEXT_HINT =
  "With a Cedar schema, each action's context must declare every key a request sends, including the ones the " +
  'service always sets: duration_seconds (Long), justification (String) and requested_at (String), and for a ' +
  'signed-in requester identity ({provider: String, amr: Set<String>, auth_time?: Long}).';

/** Above this many candidates, when they are most of the rules, the whole set is used (one cached set). */
const WHOLE_SET_ABOVE = 64;

/** A tenant's policy set at one version, indexed for evaluation; immutable. */
export class CompiledPolicySet {
  /** Every enabled rule, highest priority first, then by policy age and ordinal. */
  private readonly ordered: StoredRule[] = [];
  private readonly tierOf = new Map<string, number>();
  /** Entity literals in each rule's conditions, by position. */
  private readonly literals: string[][];
  private readonly index: RuleIndex;
  private readonly rules = new Map<string, RuleInfo>();
  private readonly policies = new Map<string, PolicyInfo>();
  private readonly graph: EntityGraph;
  private defaults?: number[];

  constructor(private readonly data: PolicySetData) {
    const ordered = [...data.policies].sort((a, b) => b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    const priorities = [...new Set(ordered.map((policy) => policy.priority))];
    for (const policy of ordered) {
      const { rules: _rules, priority: _priority, ...info } = policy;
      this.policies.set(policy.id, info);
      for (const rule of [...policy.rules].sort((a, b) => a.ordinal - b.ordinal)) {
        const order = this.ordered.push(rule) - 1;
        this.tierOf.set(rule.id, priorities.indexOf(policy.priority));
        this.rules.set(rule.id, { id: rule.id, policyId: policy.id, effect: rule.effect, notice: rule.notice, auditSession: rule.auditSession, order });
      }
    }
    this.literals = this.ordered.map((rule) => uidsInText(rule.conditions ?? '').filter((uid) => isEntityType(uid.type)).map(uidKey));
    this.index = new RuleIndex(this.ordered.map((rule) => resolveScopes(rule).scopes));
    this.graph = new EntityGraph(data.entities, data.schema === null ? [] : schemaActionEdges(data.schema));
  }

  get version(): bigint {
    return this.data.version;
  }

  get ruleCount(): number {
    return this.ordered.length;
  }

  /** Each enabled policy's default duration (else its maximum), distinct and ascending, in seconds. */
  get defaultDurations(): number[] {
    this.defaults ??= [...new Set([...this.policies.values()].map((p) => p.defaultDurationSeconds ?? p.maxDurationSeconds))].sort((a, b) => a - b);
    return this.defaults;
  }

  /** PRODUCT.md section 5, decided by Cedar over only the rules whose scope can match the request. */
  evaluate(request: EvaluationRequest, slots: EngineSlots): Decision {
    for (const [name, uid] of [['principal', request.principal], ['action', request.action], ['resource', request.resource]] as const) {
      if (!isEntityType(uid.type)) throw invalidInput(`${name}.type must be a Cedar entity type name`, { field: `${name}.type` });
    }
    const keys = { principal: uidKey(request.principal), action: uidKey(request.action), resource: uidKey(request.resource) };
    const person = isPerson(request.principal, request.identity) ? request.identity : null;
    const groupKeys = person ? groupUids(person).map(uidKey) : [];
    const principalAncestors = groupKeys.length === 0 ? this.graph.ancestorsOrSelf(keys.principal) : new Set([keys.principal, ...[keys.principal, ...groupKeys].flatMap((key) => [...this.graph.ancestorsOrSelf(key)])]);
    const shape: RequestShape = {
      principal: { key: keys.principal, type: request.principal.type, ancestors: principalAncestors },
      action: { key: keys.action, ancestors: this.graph.ancestorsOrSelf(keys.action) },
      resource: { key: keys.resource, type: request.resource.type, ancestors: this.graph.ancestorsOrSelf(keys.resource) },
    };
    const positions = this.index.candidates(shape);
    const candidates = positions.map((position) => this.ordered[position].id);
    if (positions.length === 0) return decideAcrossTiers([], this.tierOf, () => ({ decision: 'deny', reasons: [], errors: [] }), this.rules, this.policies, this.data.version);
    const roots = [keys.principal, keys.action, keys.resource, ...entityRefs(request.context).filter((uid) => isEntityType(uid.type)).map(uidKey)];
    const sliced = this.graph.slice([...roots, ...groupKeys, ...positions.flatMap((position) => this.literals[position])]);
    const entities = person ? [personEntity(person, sliced.find((e) => uidKey(e.uid) === keys.principal)), ...sliced.filter((e) => uidKey(e.uid) !== keys.principal)] : sliced;
    const schemaSlot = this.data.schema === null ? undefined : slots.schemas.acquire(`${this.data.tenantId}|${this.data.version}`, () => this.data.schema as CedarSchemaValue);
    const position = new Map(positions.map((p) => [this.ordered[p].id, p]));
    // The whole set may stand in for all the candidates (no other rule can be satisfied), never for some of them.
    const ask = (ruleIds: string[]) =>
      this.ask(ruleIds.map((id) => position.get(id) as number), ruleIds.length === candidates.length, request, entities, slots.policies, schemaSlot);
    return decideAcrossTiers(candidates, this.tierOf, ask, this.rules, this.policies, this.data.version);
  }

  private ask(positions: number[], allCandidates: boolean, request: EvaluationRequest, entities: CedarEntity[], sets: PreparsedSlots, schemaSlot: string | undefined): TierAnswer {
    const whole = allCandidates && positions.length > WHOLE_SET_ABOVE && positions.length * 2 > this.ordered.length;
    const chosen = whole ? this.ordered : positions.map((position) => this.ordered[position]);
    const key = `${this.data.tenantId}|${this.data.version}|${whole ? '*' : positions.join(',')}`;
    const slot = sets.acquire(key, () => ({ staticPolicies: Object.fromEntries(chosen.map((rule) => [rule.id, rule.policyText])) }));
    try {
      const answer = authorizePreparsed({ principal: request.principal, action: request.action, resource: request.resource, context: request.context, entities }, slot, schemaSlot);
      return { decision: answer.decision, reasons: answer.reasons, errors: answer.errors.map((e) => ({ ruleId: e.policyId, message: e.message })) };
    } catch (error) {
      if (!(error instanceof CedarRequestError)) throw error;
      const notices = [...error.messages];
      if (schemaSlot !== undefined && notices.some((notice) => notice.includes('context'))) notices.push(SCHEMA_CONTEXT_HINT);
      throw invalidInput('Cedar could not evaluate the request', undefined, notices);
    }
  }
}
