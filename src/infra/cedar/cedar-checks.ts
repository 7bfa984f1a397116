import { cedar } from './cedar-wasm';
import { cedarNestingScore, formatActionId, formatUid, MAX_CEDAR_NESTING } from './cedar-text';
import type { CedarEntity, CedarSchemaValue, EntityUid } from './cedar-types';
import type { ActionScope, Effect, EntityScope, RuleFields, RuleScopes } from './rule-scope';


/** Cedar's own messages, human-readable, for `notices`. */
export function cedarMessages(errors: cedar.DetailedError[]): string[] {
  return errors.map((error) => (error.help ? `${error.message} (${error.help})` : error.message));
}

/** A notice when the text nests too deeply to be handed to Cedar safely (see MAX_CEDAR_NESTING), else null. */
function nestingNotice(text: string): string | null {
  const score = cedarNestingScore(text);
  if (score <= MAX_CEDAR_NESTING) return null;
  return `the Cedar text nests too deeply (score ${score}, at most ${MAX_CEDAR_NESTING}: an open bracket counts 2, each chained operator 1): split it into simpler expressions or several rules`;
}

const plainUid = (uid: cedar.EntityUidJson): EntityUid => ('__entity' in uid ? uid.__entity : uid);

const canonical = (value: unknown): string =>
  value === null || typeof value !== 'object'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
          .join(',')}}`;

function entityScopeJson(scope: EntityScope): unknown {
  switch (scope.kind) {
    case 'any':
      return { op: 'All' };
    case 'eq':
    case 'in':
      return { op: scope.kind === 'eq' ? '==' : 'in', entity: scope.uid };
    case 'is':
      return { op: 'is', entity_type: scope.type };
    case 'is_in':
      return { op: 'is', entity_type: scope.type, in: { entity: scope.uid } };
  }
}

function actionScopeJson(scope: ActionScope): unknown {
  if (scope.kind === 'any') return { op: 'All' };
  if (scope.kind === 'eq') return { op: '==', entity: scope.uid };
  return scope.uids.length === 1 ? { op: 'in', entity: scope.uids[0] } : { op: 'in', entities: scope.uids };
}

function normalizeScopeJson(json: unknown): unknown {
  const value = { ...(json as Record<string, unknown>) };
  if (value.entity) value.entity = plainUid(value.entity as cedar.EntityUidJson);
  if (Array.isArray(value.entities)) value.entities = (value.entities as cedar.EntityUidJson[]).map(plainUid);
  const inner = value.in as { entity?: cedar.EntityUidJson } | undefined;
  if (inner?.entity) value.in = { entity: plainUid(inner.entity) };
  return value;
}

/**
 * Notices for an assembled rule text; empty when it is exactly one static Cedar policy whose annotations, effect
 * and scope are the ones it was written from (so no id, type or condition text changed its structure).
 */
export function checkRuleText(id: string, text: string, effect: Effect, scopes: RuleScopes): string[] {
  const tooDeep = nestingNotice(text);
  if (tooDeep !== null) return [tooDeep];
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') return cedarMessages(parts.errors);
  if (parts.policy_templates.length > 0) return ['template slots (?principal, ?resource) are not allowed in a rule'];
  if (parts.policies.length !== 1) {
    return [`a rule must be exactly one Cedar policy, but this text holds ${parts.policies.length}`];
  }
  const parsed = cedar.policyToJson(text);
  if (parsed.type === 'failure') return cedarMessages(parsed.errors);
  const { json } = parsed;
  const same =
    json.effect === effect &&
    canonical(json.annotations ?? {}) === canonical({ id }) &&
    canonical(normalizeScopeJson(json.principal)) === canonical(entityScopeJson(scopes.principal)) &&
    canonical(normalizeScopeJson(json.action)) === canonical(actionScopeJson(scopes.action)) &&
    canonical(normalizeScopeJson(json.resource)) === canonical(entityScopeJson(scopes.resource));
  return same ? [] : ['the rule text does not keep the structure of its fields (effect, scope or annotations changed)'];
}

type EntityConstraint = cedar.PrincipalConstraint | cedar.ResourceConstraint;

function entityFields(slot: string, constraint: EntityConstraint): [RuleFields['principalScopeType'], string | null, string | null] {
  if (constraint.op === 'All') return ['any', null, null];
  if ('slot' in constraint) throw new Error(`template slots are not allowed in the ${slot} scope`);
  if (constraint.op === 'is') {
    if (!constraint.in) return ['is', constraint.entity_type, null];
    if ('slot' in constraint.in) throw new Error(`template slots are not allowed in the ${slot} scope`);
    return ['is_in', constraint.entity_type, formatUid(plainUid(constraint.in.entity))];
  }
  const uid = plainUid(constraint.entity);
  return [constraint.op === '==' ? 'eq' : 'in', uid.type, uid.id];
}

function actionFields(constraint: cedar.ActionConstraint): [RuleFields['actionScopeType'], string[]] {
  if (constraint.op === 'All') return ['any', []];
  if ('slot' in constraint) throw new Error('template slots are not allowed in the action scope');
  if (constraint.op === '==') return ['eq', [formatActionId(plainUid(constraint.entity))]];
  const uids = 'entities' in constraint ? constraint.entities : [constraint.entity];
  return ['in', uids.map((uid) => formatActionId(plainUid(uid)))];
}

const HEAD = /^(?:permit|forbid)\s*\(\s*principal\s*,\s*action\s*,\s*resource\s*\)\s*([\s\S]*?)\s*;\s*$/;

/** Structured fields from a client's one-statement Cedar text; the text is then re-assembled from them. */
export function fieldsFromPolicyText(text: string): { fields: RuleFields } | { notices: string[] } {
  const tooDeep = nestingNotice(text);
  if (tooDeep !== null) return { notices: [tooDeep] };
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') return { notices: cedarMessages(parts.errors) };
  if (parts.policy_templates.length > 0) return { notices: ['template slots (?principal, ?resource) are not allowed'] };
  if (parts.policies.length !== 1) {
    return { notices: [`policy_text must hold exactly one Cedar policy, but it holds ${parts.policies.length}`] };
  }
  const parsed = cedar.policyToJson(text);
  if (parsed.type === 'failure') return { notices: cedarMessages(parsed.errors) };
  const { json } = parsed;
  if (Object.keys(json.annotations ?? {}).length > 0) {
    return { notices: ['policy_text must not carry annotations: the service writes @id itself'] };
  }
  try {
    const [principalScopeType, principalEntityType, principalEntityId] = entityFields('principal', json.principal);
    const [resourceScopeType, resourceEntityType, resourceEntityId] = entityFields('resource', json.resource);
    const [actionScopeType, actionIds] = actionFields(json.action);
    let conditions: string | null = null;
    if (json.conditions.length > 0) {
      const bare = { ...json, principal: { op: 'All' }, action: { op: 'All' }, resource: { op: 'All' } } as cedar.PolicyJson;
      const printed = cedar.policyToText(bare);
      if (printed.type === 'failure') return { notices: cedarMessages(printed.errors) };
      conditions = HEAD.exec(printed.text)?.[1] ?? null;
      if (conditions === null) return { notices: ['the conditions of policy_text could not be read back'] };
    }
    const fields: RuleFields = {
      effect: json.effect,
      principalScopeType,
      principalEntityType,
      principalEntityId,
      actionScopeType,
      actionIds,
      resourceScopeType,
      resourceEntityType,
      resourceEntityId,
      conditions,
    };
    return { fields };
  } catch (error) {
    return { notices: [(error as Error).message] };
  }
}

const NON_LITERAL_EXTENSION = /extension constructors may not be called with non-literal expressions/;

/**
 * Strict validation of rules against a schema: Cedar's messages per rule id, and schema problems.
 * `nonLiteralExtensions`: accept `ip(context.ip)` and the like, which strict mode refuses only because it cannot
 * check the string at validation time (Access `ip` selectors compile to it; a bad string is an evaluation error,
 * which decisions treat fail closed).
 */
export function validateAgainstSchema(
  schema: CedarSchemaValue,
  rules: { id: string; text: string }[],
  options: { nonLiteralExtensions?: boolean } = {},
): { schemaErrors: string[]; byRule: Map<string, string[]> } {
  const byRule = new Map<string, string[]>();
  if (rules.length === 0) return { schemaErrors: checkSchema(schema), byRule };
  const answer = cedar.validate({
    schema: schema as cedar.Schema,
    policies: { staticPolicies: Object.fromEntries(rules.map((rule) => [rule.id, rule.text])) },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') return { schemaErrors: cedarMessages(answer.errors), byRule };
  for (const { policyId, error } of answer.validationErrors) {
    if (options.nonLiteralExtensions && NON_LITERAL_EXTENSION.test(error.message)) continue;
    byRule.set(policyId, [...(byRule.get(policyId) ?? []), ...cedarMessages([error])]);
  }
  return { schemaErrors: [], byRule };
}

export function checkSchema(schema: CedarSchemaValue): string[] {
  const answer = cedar.checkParseSchema(schema as cedar.Schema);
  return answer.type === 'failure' ? cedarMessages(answer.errors) : [];
}

/** Cedar's verdict on entities in the JSON entity format, against the schema when there is one. */
export function checkEntities(entities: CedarEntity[], schema: CedarSchemaValue | null): string[] {
  const answer = cedar.checkParseEntities({
    entities: entities as cedar.EntityJson[],
    schema: schema === null ? null : (schema as cedar.Schema),
  });
  return answer.type === 'failure' ? cedarMessages(answer.errors) : [];
}

/** Action hierarchy declared by a schema (`action sudo in [admin]`), as [child, parent] pairs. */
export function schemaActionEdges(schema: CedarSchemaValue): [EntityUid, EntityUid][] {
  const answer = cedar.schemaToJson(schema as cedar.Schema);
  if (answer.type === 'failure') return [];
  const edges: [EntityUid, EntityUid][] = [];
  for (const [namespace, definition] of Object.entries(answer.json)) {
    const actionType = namespace ? `${namespace}::Action` : 'Action';
    for (const [name, action] of Object.entries(definition.actions ?? {})) {
      for (const parent of action.memberOf ?? []) {
        const child = { type: actionType, id: name };
        // A relative parent type may name this namespace or the root one: both are kept (a superset is safe).
        const types = parent.type ? [parent.type, ...(namespace && !parent.type.includes('::') ? [`${namespace}::${parent.type}`] : [])] : [actionType];
        for (const type of types) edges.push([child, { type, id: parent.id }]);
      }
    }
  }
  return edges;
}
