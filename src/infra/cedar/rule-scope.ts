import { cedarString, formatUid, isEntityType, parseActionId, parseUid } from './cedar-text';
import type { EntityUid } from './cedar-types';

export const EFFECTS = ['permit', 'forbid'] as const;
export const ENTITY_SCOPE_TYPES = ['any', 'eq', 'in', 'is', 'is_in'] as const;
export const ACTION_SCOPE_TYPES = ['any', 'eq', 'in'] as const;
export type Effect = (typeof EFFECTS)[number];
export type EntityScopeType = (typeof ENTITY_SCOPE_TYPES)[number];
export type ActionScopeType = (typeof ACTION_SCOPE_TYPES)[number];

/** The structured fields a rule's Cedar text is written from. */
export interface RuleFields {
  effect: Effect;
  principalScopeType: EntityScopeType;
  principalEntityType: string | null;
  principalEntityId: string | null;
  actionScopeType: ActionScopeType;
  actionIds: string[];
  resourceScopeType: EntityScopeType;
  resourceEntityType: string | null;
  resourceEntityId: string | null;
  conditions: string | null;
}

export type EntityScope =
  | { kind: 'any' }
  | { kind: 'eq' | 'in'; uid: EntityUid }
  | { kind: 'is'; type: string }
  | { kind: 'is_in'; type: string; uid: EntityUid };

export type ActionScope = { kind: 'any' } | { kind: 'eq'; uid: EntityUid } | { kind: 'in'; uids: EntityUid[] };

export interface RuleScopes {
  principal: EntityScope;
  action: ActionScope;
  resource: EntityScope;
}

/** A problem with one input field; `field` is the snake_case API name. */
export interface FieldError {
  field: string;
  message: string;
}

function entityScope(
  slot: 'principal' | 'resource',
  kind: EntityScopeType,
  type: string | null,
  id: string | null,
  errors: FieldError[],
): EntityScope {
  const typeField = `${slot}_entity_type`;
  const idField = `${slot}_entity_id`;
  const fail = (field: string, message: string): EntityScope => {
    errors.push({ field, message });
    return { kind: 'any' };
  };
  const needsType = kind !== 'any';
  const needsId = kind === 'eq' || kind === 'in' || kind === 'is_in';
  if (!needsType && type !== null) return fail(typeField, `${typeField} must be empty when ${slot}_scope_type is any`);
  if (!needsId && id !== null) return fail(idField, `${idField} must be empty when ${slot}_scope_type is ${kind}`);
  if (kind === 'any') return { kind };
  if (type === null) return fail(typeField, `${typeField} is required when ${slot}_scope_type is ${kind}`);
  if (!isEntityType(type)) return fail(typeField, `${typeField} must be a Cedar entity type name like User or Acme::Host`);
  if (kind === 'is') return { kind, type };
  if (id === null || id === '') return fail(idField, `${idField} is required when ${slot}_scope_type is ${kind}`);
  if (kind === 'is_in') {
    const uid = parseUid(id);
    if (!uid) return fail(idField, `${idField} must be a full entity uid like Group::"admins" when ${slot}_scope_type is is_in`);
    return { kind, type, uid };
  }
  return { kind, uid: { type, id } };
}

function actionScope(kind: ActionScopeType, ids: string[], errors: FieldError[]): ActionScope {
  if (kind === 'any') {
    if (ids.length > 0) errors.push({ field: 'action_ids', message: 'action_ids must be empty when action_scope_type is any' });
    return { kind };
  }
  if (ids.length === 0 || ids.some((id) => id === '')) {
    errors.push({ field: 'action_ids', message: `action_ids needs at least one non-empty id when action_scope_type is ${kind}` });
    return { kind: 'any' };
  }
  if (kind === 'eq' && ids.length !== 1) {
    errors.push({ field: 'action_ids', message: 'action_ids must hold exactly one id when action_scope_type is eq' });
    return { kind: 'any' };
  }
  const uids = ids.map(parseActionId);
  const badType = uids.find((uid) => !isEntityType(uid.type));
  if (badType) errors.push({ field: 'action_ids', message: `action type ${badType.type} is not a Cedar entity type name` });
  return kind === 'eq' ? { kind, uid: uids[0] } : { kind, uids };
}

/** Checks that each scope type has exactly the fields it needs (`eq` needs type and id, `is` a type, ...). */
export function resolveScopes(fields: RuleFields): { scopes: RuleScopes; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const scopes = {
    principal: entityScope('principal', fields.principalScopeType, fields.principalEntityType, fields.principalEntityId, errors),
    action: actionScope(fields.actionScopeType, fields.actionIds, errors),
    resource: entityScope('resource', fields.resourceScopeType, fields.resourceEntityType, fields.resourceEntityId, errors),
  };
  return { scopes, errors };
}

export function entityScopeText(variable: 'principal' | 'resource', scope: EntityScope): string {
  switch (scope.kind) {
    case 'any':
      return variable;
    case 'eq':
      return `${variable} == ${formatUid(scope.uid)}`;
    case 'in':
      return `${variable} in ${formatUid(scope.uid)}`;
    case 'is':
      return `${variable} is ${scope.type}`;
    case 'is_in':
      return `${variable} is ${scope.type} in ${formatUid(scope.uid)}`;
  }
}

export function actionScopeText(scope: ActionScope): string {
  if (scope.kind === 'any') return 'action';
  if (scope.kind === 'eq') return `action == ${formatUid(scope.uid)}`;
  return `action in [${scope.uids.map(formatUid).join(', ')}]`;
}

/** Trims, drops one trailing `;`, wraps a bare expression in `when { ... }`; blank is null. */
export function normalizeConditions(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let text = raw.trim();
  if (text.endsWith(';')) text = text.slice(0, -1).trimEnd();
  if (text === '') return null;
  if (/^(when|unless)\s*\{/.test(text)) return text;
  return text.includes('//') ? `when {\n  ${text}\n}` : `when { ${text} }`;
}

/** The rule's Cedar text; `@id` carries the rule id so Cedar's diagnostics name rules. */
export function assembleRuleText(id: string, effect: Effect, scopes: RuleScopes, conditions: string | null): string {
  const head = [
    `@id(${cedarString(id)})`,
    `${effect} (`,
    `  ${entityScopeText('principal', scopes.principal)},`,
    `  ${actionScopeText(scopes.action)},`,
    `  ${entityScopeText('resource', scopes.resource)}`,
    ')',
  ].join('\n');
  if (conditions === null) return `${head};`;
  // A trailing `//` comment in the conditions would swallow a `;` on the same line.
  return `${head}\n${conditions}${conditions.includes('//') ? '\n' : ''};`;
}
