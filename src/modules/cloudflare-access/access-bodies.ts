import { invalidInput } from '@/common/errors/domain-error';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import { parseGoDuration } from './go-duration';
import { checkRuleList, escapePointer, Issue, Selector } from './selector-checks';
import type { AccessPolicyRecord } from './access.types';
import type { AccessDecision } from './selector-cedar';

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@"'\\<>(),;:[\]]{1,64}@[^\s@"'\\<>(),;:[\]]{1,255}$/;
export const DECISIONS: AccessDecision[] = ['allow', 'deny', 'non_identity', 'bypass'];
const AUTHENTICATORS = ['totp', 'biometrics', 'security_key'];
/** Cloudflare refuses isolation where Browser Isolation is off; there is none here, and granting without it would be weaker. */
export const ISOLATION_UNAVAILABLE = 'must be false: there is no browser isolation here, and access without it would be weaker than the policy asks';

/** Collects problems at JSON pointers; `done` throws them as one `400 invalid_input` (details.fields by pointer). */
export class Checker {
  readonly issues: Issue[] = [];

  constructor(readonly body: Record<string, unknown>) {}

  static of(body: unknown): Checker {
    if (!isObject(body)) throw invalidInput('The body must be a JSON object', { fields: { '/': ['must be a JSON object'] } });
    return new Checker(body);
  }

  known(fields: string[]): void {
    for (const name of Object.keys(this.body)) if (!fields.includes(name)) this.issues.push({ pointer: `/${escapePointer(name)}`, message: 'unknown field' });
  }

  text(name: string, required: boolean, max = 350): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return required ? void this.issues.push({ pointer: `/${name}`, message: 'is required' }) : undefined;
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) return void this.issues.push({ pointer: `/${name}`, message: `must be a non-empty string of at most ${max} characters` });
    return value;
  }

  flag(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return void this.issues.push({ pointer: `/${name}`, message: 'must be true or false' });
    return value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return void this.issues.push({ pointer: `/${name}`, message: `must be an integer from ${min} to ${max}` });
    return value;
  }

  duration(name: string, value: unknown, pointer = `/${name}`): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return void this.issues.push({ pointer, message: 'must be a Go duration string such as 24h' });
    const parsed = parseGoDuration(value);
    if ('error' in parsed) return void this.issues.push({ pointer, message: parsed.error });
    return value;
  }

  rules(name: 'include' | 'exclude' | 'require', required: boolean): Selector[] {
    return checkRuleList(this.body[name], `/${name}`, this.issues, required);
  }

  done(): void {
    if (this.issues.length === 0) return;
    const fields: Record<string, string[]> = {};
    for (const issue of this.issues) (fields[issue.pointer] ??= []).push(issue.message);
    throw invalidInput(`Invalid ${Object.keys(fields).join(', ')}`, { fields });
  }
}

export interface GroupInput {
  name: string;
  include: Selector[];
  exclude: Selector[];
  require: Selector[];
  isDefault: boolean;
}

/** An Access group body (POST and PUT; PUT replaces the group). */
export function checkGroupBody(body: unknown): GroupInput {
  const c = Checker.of(body);
  c.known(['name', 'include', 'exclude', 'require', 'is_default']);
  const input = { name: c.text('name', true) ?? '', include: c.rules('include', true), exclude: c.rules('exclude', false), require: c.rules('require', false), isDefault: c.flag('is_default') ?? false };
  c.done();
  return input;
}

/** A policy body as written (PUT/POST): the record's own fields, and the precedence when attached to an app. */
export type PolicyInput = Pick<
  AccessPolicyRecord,
  | 'name'
  | 'decision'
  | 'include'
  | 'exclude'
  | 'require'
  | 'sessionDuration'
  | 'approvalRequired'
  | 'approvalGroups'
  | 'purposeJustificationRequired'
  | 'purposeJustificationPrompt'
  | 'isolationRequired'
  | 'extra'
> & { precedence: number | undefined };

const POLICY_FIELDS = ['name', 'decision', 'include', 'exclude', 'require', 'session_duration', 'approval_required', 'approval_groups', 'purpose_justification_required', 'purpose_justification_prompt', 'isolation_required', 'mfa_config', 'connection_rules'];

/** An Access policy body; `scoped`: app-scoped (takes `precedence`), else reusable (precedence is set on the app). */
export function checkPolicyBody(body: unknown, scoped: boolean): PolicyInput {
  const c = Checker.of(body);
  c.known(scoped ? [...POLICY_FIELDS, 'precedence'] : POLICY_FIELDS);
  const decision = c.body.decision;
  if (!DECISIONS.includes(decision as AccessDecision)) c.issues.push({ pointer: '/decision', message: `must be one of ${DECISIONS.join(', ')}` });
  const input: PolicyInput = {
    name: c.text('name', true) ?? '',
    decision: decision as AccessDecision,
    include: c.rules('include', true),
    exclude: c.rules('exclude', false),
    require: c.rules('require', false),
    precedence: c.integer('precedence', 0, 1_000_000),
    sessionDuration: c.duration('session_duration', c.body.session_duration) ?? null,
    approvalRequired: c.flag('approval_required') ?? false,
    approvalGroups: approvalGroups(c),
    purposeJustificationRequired: c.flag('purpose_justification_required') ?? false,
    purposeJustificationPrompt: c.text('purpose_justification_prompt', false, 2000) ?? null,
    isolationRequired: c.flag('isolation_required') ?? false,
    extra: { ...mfaConfig(c), ...connectionRules(c) },
  };
  if (input.isolationRequired) c.issues.push({ pointer: '/isolation_required', message: ISOLATION_UNAVAILABLE });
  if (input.approvalRequired && input.approvalGroups.length === 0) c.issues.push({ pointer: '/approval_groups', message: 'needs at least one group when approval_required is true' });
  if (input.approvalRequired && input.decision !== 'allow') c.issues.push({ pointer: '/approval_required', message: 'only allow policies can require approval' });
  c.done();
  return input;
}

function approvalGroups(c: Checker): ApprovalGroup[] {
  const value = c.body.approval_groups;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 20) return (c.issues.push({ pointer: '/approval_groups', message: 'must be an array of at most 20 groups' }), []);
  return value.map((group: unknown, index) => {
    const at = `/approval_groups/${index}`;
    if (!isObject(group)) return (c.issues.push({ pointer: at, message: 'must be an object' }), { approvals_needed: 1, email_addresses: [], email_list_uuid: null });
    for (const name of Object.keys(group)) if (!['approvals_needed', 'email_addresses', 'email_list_uuid'].includes(name)) c.issues.push({ pointer: `${at}/${escapePointer(name)}`, message: 'unknown field' });
    const needed = group.approvals_needed;
    if (typeof needed !== 'number' || !Number.isInteger(needed) || needed < 1 || needed > 100) c.issues.push({ pointer: `${at}/approvals_needed`, message: 'must be an integer from 1 to 100' });
    const emails = group.email_addresses ?? [];
    if (!Array.isArray(emails) || emails.length > 1000) c.issues.push({ pointer: `${at}/email_addresses`, message: 'must be an array of at most 1000 email addresses' });
    else emails.forEach((email: unknown, i) => (typeof email === 'string' && EMAIL.test(email) && email.length <= 320 ? null : c.issues.push({ pointer: `${at}/email_addresses/${i}`, message: 'must be an email address' })));
    const list = group.email_list_uuid ?? null;
    if (list !== null && (typeof list !== 'string' || !UUID.test(list))) c.issues.push({ pointer: `${at}/email_list_uuid`, message: 'must be a UUID' });
    return {
      approvals_needed: needed as number,
      email_addresses: Array.isArray(emails) ? (emails as string[]).map((e) => String(e).trim().toLowerCase()) : [],
      email_list_uuid: typeof list === 'string' ? list.toLowerCase() : null,
    };
  });
}

function mfaConfig(c: Checker): Record<string, unknown> {
  const value = c.body.mfa_config;
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return (c.issues.push({ pointer: '/mfa_config', message: 'must be an object' }), {});
  for (const name of Object.keys(value)) if (!['allowed_authenticators', 'mfa_disabled', 'session_duration'].includes(name)) c.issues.push({ pointer: `/mfa_config/${escapePointer(name)}`, message: 'unknown field' });
  const auth = value.allowed_authenticators;
  if (auth !== undefined && (!Array.isArray(auth) || auth.some((a) => !AUTHENTICATORS.includes(a as string)))) {
    c.issues.push({ pointer: '/mfa_config/allowed_authenticators', message: `must be an array of ${AUTHENTICATORS.join(', ')}` });
  }
  if (value.mfa_disabled !== undefined && typeof value.mfa_disabled !== 'boolean') c.issues.push({ pointer: '/mfa_config/mfa_disabled', message: 'must be true or false' });
  c.duration('session_duration', value.session_duration, '/mfa_config/session_duration');
  return { mfa_config: value };
}

function connectionRules(c: Checker): Record<string, unknown> {
  const value = c.body.connection_rules;
  if (value === undefined || value === null) return {};
  const rdp = isObject(value) ? value.rdp : undefined;
  const ok =
    isObject(value) &&
    Object.keys(value).every((k) => k === 'rdp') &&
    (rdp === undefined ||
      (isObject(rdp) &&
        Object.entries(rdp).every(([k, v]) => ['allowed_clipboard_local_to_remote_formats', 'allowed_clipboard_remote_to_local_formats'].includes(k) && Array.isArray(v) && v.every((f) => f === 'text'))));
  if (!ok) c.issues.push({ pointer: '/connection_rules', message: 'must be {rdp: {allowed_clipboard_local_to_remote_formats: ["text"], allowed_clipboard_remote_to_local_formats: ["text"]}}' });
  return { connection_rules: value };
}
