import { cedar } from './cedar-wasm';
import { cedarMessages } from './cedar-checks';
import type { CedarEntity, EntityUid } from './cedar-types';

/** One authorization request, in Cedar's terms. */
export interface CedarRequest {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: Record<string, unknown>;
  entities: CedarEntity[];
}

/** Cedar's answer: `reasons` are the ids of the satisfied policies of the winning effect; `errors` name the policies Cedar skipped. */
export interface CedarAnswer {
  decision: 'allow' | 'deny';
  reasons: string[];
  errors: { policyId: string; message: string }[];
}

/** The request itself could not be evaluated (malformed context or entities, schema mismatch): Cedar's messages. */
export class CedarRequestError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('; '));
  }
}

/**
 * `statefulIsAuthorized` over a policy set (and schema) pre-parsed with PreparsedSlots. A policy whose evaluation
 * errors is skipped by Cedar and listed in `errors`; what that means for the decision is the caller's business.
 * Throws CedarRequestError when Cedar refuses the request as a whole.
 */
export function authorizePreparsed(request: CedarRequest, policySetSlot: string, schemaSlot?: string): CedarAnswer {
  const answer = cedar.statefulIsAuthorized({
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: request.context as cedar.Context,
    entities: request.entities as cedar.EntityJson[],
    preparsedPolicySetId: policySetSlot,
    ...(schemaSlot !== undefined && { preparsedSchemaName: schemaSlot }),
    validateRequest: false,
  });
  if (answer.type === 'failure') throw new CedarRequestError(cedarMessages(answer.errors));
  const { decision, diagnostics } = answer.response;
  return { decision, reasons: diagnostics.reason, errors: diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })) };
}
