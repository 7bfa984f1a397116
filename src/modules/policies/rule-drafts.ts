import { checkRuleText, fieldsFromPolicyText } from '@/infra/cedar/cedar-checks';
import { assembleRuleText, normalizeConditions, resolveScopes, RuleFields } from '@/infra/cedar/rule-scope';
import { DomainError, invalidInput } from '@/common/errors/domain-error';
import type { RuleInputDto } from './dto/rule-input.dto';
import type { UpdateRuleDto } from './dto/update-rule.dto';
import type { RuleRecord } from './policy.types';

/** A rule ready to store: its fields and the Cedar text written from them. */
export interface CompiledRule extends RuleFields {
  id: string;
  ordinal?: number;
  policyText: string;
  notice: string | null;
  auditSession: boolean;
}

const fail = (prefix: string, field: string, message: string, notices?: string[]): DomainError =>
  invalidInput(`${prefix}${field}: ${message}`, { field: `${prefix}${field}` }, notices);

/** Writes and checks the Cedar text of a rule; `prefix` names the rule in error fields (`rules[2].`). */
export function compileFields(id: string, fields: RuleFields, fromText: boolean, prefix: string, check = true): { fields: RuleFields; policyText: string } {
  const conditions = normalizeConditions(fields.conditions);
  const { scopes, errors } = resolveScopes(fields);
  if (errors.length > 0) {
    throw invalidInput(`${prefix}${errors[0].message}`, {
      field: `${prefix}${errors[0].field}`,
      errors: errors.map((error) => ({ field: `${prefix}${error.field}`, message: error.message })),
    });
  }
  const policyText = assembleRuleText(id, fields.effect, scopes, conditions);
  const notices = check ? checkRuleText(id, policyText, fields.effect, scopes) : [];
  if (notices.length > 0) throw fail(prefix, fromText ? 'policy_text' : 'conditions', 'is not valid Cedar for one rule', notices);
  return { fields: { ...fields, conditions }, policyText };
}

function fieldsFromText(text: string, prefix: string): RuleFields {
  const answer = fieldsFromPolicyText(text);
  if ('notices' in answer) throw fail(prefix, 'policy_text', 'must be exactly one valid Cedar statement', answer.notices);
  return answer.fields;
}

/**
 * A new rule from its input: `policy_text` wins over the structured fields when both are sent. `check` false skips
 * Cedar's check of the assembled text (about 8 ms a rule): only for callers that check the rules that need it later
 * (policy bundles, whose rules equal to stored ones were checked when stored).
 */
export function draftRule(id: string, dto: RuleInputDto, prefix = '', check = true): CompiledRule {
  const fromText = dto.policy_text !== undefined;
  const fields: RuleFields = fromText
    ? fieldsFromText(dto.policy_text as string, prefix)
    : {
        effect: dto.effect as RuleFields['effect'],
        principalScopeType: dto.principal_scope_type as RuleFields['principalScopeType'],
        principalEntityType: dto.principal_entity_type ?? null,
        principalEntityId: dto.principal_entity_id ?? null,
        actionScopeType: dto.action_scope_type as RuleFields['actionScopeType'],
        actionIds: dto.action_ids ?? [],
        resourceScopeType: dto.resource_scope_type as RuleFields['resourceScopeType'],
        resourceEntityType: dto.resource_entity_type ?? null,
        resourceEntityId: dto.resource_entity_id ?? null,
        conditions: dto.conditions ?? null,
      };
  const compiled = compileFields(id, fields, fromText, prefix, check);
  return { ...compiled.fields, id, ordinal: dto.ordinal, policyText: compiled.policyText, notice: dto.notice ?? null, auditSession: dto.audit_session ?? true };
}

/** `field` from the patch when sent, else the current value; a new scope type drops the entity fields it replaces. */
function pick<T>(patch: T | undefined, current: T, scopeChanged: boolean, empty: T): T {
  if (patch !== undefined) return patch;
  return scopeChanged ? empty : current;
}

/** The rule after a partial change. */
export function patchRule(current: RuleRecord, dto: UpdateRuleDto): CompiledRule {
  let fields: RuleFields;
  const fromText = dto.policy_text !== undefined;
  if (fromText) {
    fields = fieldsFromText(dto.policy_text as string, '');
  } else {
    const principalChanged = dto.principal_scope_type !== undefined && dto.principal_scope_type !== current.principalScopeType;
    const actionChanged = dto.action_scope_type !== undefined && dto.action_scope_type !== current.actionScopeType;
    const resourceChanged = dto.resource_scope_type !== undefined && dto.resource_scope_type !== current.resourceScopeType;
    fields = {
      effect: dto.effect ?? current.effect,
      principalScopeType: dto.principal_scope_type ?? current.principalScopeType,
      principalEntityType: pick(dto.principal_entity_type, current.principalEntityType, principalChanged, null),
      principalEntityId: pick(dto.principal_entity_id, current.principalEntityId, principalChanged, null),
      actionScopeType: dto.action_scope_type ?? current.actionScopeType,
      actionIds: pick(dto.action_ids, current.actionIds, actionChanged, []),
      resourceScopeType: dto.resource_scope_type ?? current.resourceScopeType,
      resourceEntityType: pick(dto.resource_entity_type, current.resourceEntityType, resourceChanged, null),
      resourceEntityId: pick(dto.resource_entity_id, current.resourceEntityId, resourceChanged, null),
      conditions: dto.conditions === undefined ? current.conditions : dto.conditions,
    };
  }
  const compiled = compileFields(current.id, fields, fromText, '');
  return {
    ...compiled.fields,
    id: current.id,
    ordinal: dto.ordinal ?? current.ordinal,
    policyText: compiled.policyText,
    notice: dto.notice === undefined ? current.notice : dto.notice,
    auditSession: dto.audit_session ?? current.auditSession,
  };
}
