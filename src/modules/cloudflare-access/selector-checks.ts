import { parseIpRange } from '@/common/net/ip-ranges';

/** One Cloudflare Access rule: an object with exactly one key, the selector type (`{email: {email: "a@b.c"}}`). */
export type Selector = Record<string, Record<string, string>>;

/** A problem with one input value, at its JSON pointer (`/include/0/email/email`). */
export interface Issue {
  pointer: string;
  message: string;
}

export const IDP_SELECTORS = ['okta', 'azureAD', 'gsuite', 'github-organization', 'saml', 'oidc'] as const;

const EMAIL = /^[^\s@"'\\<>(),;:[\]]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COUNTRY = /^[A-Z]{2}$/;
const AMR = /^[A-Za-z0-9_-]{1,32}$/;
/** Identity-provider names and group values become part of an entity id; they may hold anything but control characters. */
const PRINTABLE = /^[^\p{Cc}]{1,256}$/u;
const GROUP_CLAIMS = ['group', 'groups'];

type FieldRule = { name: string; required: boolean; check: (value: string) => string | null };

const text = (name: string, required = true): FieldRule => ({ name, required, check: (v) => (PRINTABLE.test(v) ? null : 'must be 1 to 256 characters without control characters') });
const uuid = (name: string): FieldRule => ({ name, required: true, check: (v) => (UUID.test(v.toLowerCase()) ? null : 'must be a UUID') });
const email = (name: string): FieldRule => ({ name, required: true, check: (v) => (EMAIL.test(v.trim().toLowerCase()) ? null : 'must be an email address') });

/** The fields each selector type takes; `identity_provider_id` or `connection_id` name the identity provider. */
const SELECTORS: Record<string, FieldRule[]> = {
  email: [email('email')],
  email_domain: [{ name: 'domain', required: true, check: (v) => (DOMAIN.test(v.toLowerCase()) ? null : 'must be a domain name such as example.com (no wildcards)') }],
  email_list: [uuid('id')],
  everyone: [],
  ip_list: [uuid('id')],
  ip: [{ name: 'ip', required: true, check: (v) => (parseIpRange(v) ? null : 'must be an IPv4 or IPv6 address or CIDR range') }],
  geo: [{ name: 'country_code', required: true, check: (v) => (COUNTRY.test(v.toUpperCase()) ? null : 'must be an ISO 3166-1 alpha-2 country code') }],
  device_posture: [text('integration_uid')],
  auth_method: [{ name: 'auth_method', required: true, check: (v) => (AMR.test(v) ? null : 'must be an RFC 8176 amr value such as mfa, pwd, hwk') }],
  login_method: [text('id')],
  certificate: [],
  common_name: [text('common_name')],
  group: [uuid('id')],
  okta: [text('name', false), text('email', false), text('identity_provider_id', false), text('connection_id', false)],
  azureAD: [text('id'), text('identity_provider_id', false), text('connection_id', false)],
  gsuite: [text('email'), text('identity_provider_id', false), text('connection_id', false)],
  'github-organization': [text('name'), text('team', false), text('identity_provider_id', false), text('connection_id', false)],
  saml: [text('attribute_name'), text('attribute_value'), text('identity_provider_id', false)],
  oidc: [text('claim_name'), text('claim_value'), text('identity_provider_id', false)],
  service_token: [text('token_id')],
  any_valid_service_token: [],
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The canonical stored form of a field (lower-cased emails and domains, canonical CIDRs, upper-case countries). */
function normalize(type: string, value: string): string {
  if (type === 'email' || type === 'email_domain' || type === 'email_list' || type === 'ip_list' || type === 'group') return value.trim().toLowerCase();
  if (type === 'ip') return parseIpRange(value)?.cidr ?? value;
  if (type === 'geo') return value.toUpperCase();
  return value;
}

function checkSelector(value: unknown, pointer: string, issues: Issue[]): Selector | null {
  if (!isObject(value)) return (issues.push({ pointer, message: 'must be an object with one selector, such as {"email": {"email": "a@example.com"}}' }), null);
  const keys = Object.keys(value);
  if (keys.length !== 1) return (issues.push({ pointer, message: `must hold exactly one selector, found ${keys.length}` }), null);
  const type = keys[0];
  if (type === 'external_evaluation') {
    issues.push({ pointer: `${pointer}/external_evaluation`, message: 'external_evaluation is not supported: decisions are made by this service\'s Cedar engine only' });
    return null;
  }
  const rules = SELECTORS[type];
  const at = `${pointer}/${escapePointer(type)}`;
  if (!rules) return (issues.push({ pointer: at, message: `unknown selector type; known: ${Object.keys(SELECTORS).join(', ')}` }), null);
  const body = value[type];
  if (!isObject(body)) return (issues.push({ pointer: at, message: 'must be an object' }), null);
  const out: Record<string, string> = {};
  const before = issues.length;
  for (const name of Object.keys(body)) {
    if (!rules.some((rule) => rule.name === name)) issues.push({ pointer: `${at}/${escapePointer(name)}`, message: 'unknown field' });
  }
  for (const rule of rules) {
    const field = body[rule.name];
    if (field === undefined || field === null) {
      if (rule.required) issues.push({ pointer: `${at}/${rule.name}`, message: 'is required' });
      continue;
    }
    if (typeof field !== 'string') {
      issues.push({ pointer: `${at}/${rule.name}`, message: 'must be a string' });
      continue;
    }
    const problem = rule.check(field);
    if (problem) issues.push({ pointer: `${at}/${rule.name}`, message: problem });
    else out[rule.name] = normalize(type, field);
  }
  if ((IDP_SELECTORS as readonly string[]).includes(type)) checkIdentityProvider(type, out, at, issues);
  return issues.length === before ? { [type]: out } : null;
}

function checkIdentityProvider(type: string, fields: Record<string, string>, at: string, issues: Issue[]): void {
  if (fields.identity_provider_id === undefined && fields.connection_id === undefined) {
    issues.push({ pointer: `${at}/identity_provider_id`, message: 'is required (the identity provider whose groups are meant)' });
  }
  if (type === 'okta' && fields.name === undefined && fields.email === undefined) issues.push({ pointer: `${at}/name`, message: 'is required (the Okta group name)' });
  const claim = type === 'saml' ? fields.attribute_name : type === 'oidc' ? fields.claim_name : undefined;
  if (claim !== undefined && !GROUP_CLAIMS.includes(claim.toLowerCase())) {
    issues.push({ pointer: `${at}/${type === 'saml' ? 'attribute_name' : 'claim_name'}`, message: 'only the group claim (group or groups) is supported: other claims are not part of the identity' });
  }
}

export const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Most rules one include, exclude or require list may hold. */
export const MAX_RULES = 100;

/**
 * A rule list (`include`, `exclude` or `require`) checked and normalised; problems go to `issues` at their pointers.
 * `required`: the list must hold at least one rule (Cloudflare's include).
 */
export function checkRuleList(value: unknown, pointer: string, issues: Issue[], required: boolean): Selector[] {
  if (value === undefined || value === null) {
    if (required) issues.push({ pointer, message: 'is required and needs at least one rule' });
    return [];
  }
  if (!Array.isArray(value)) return (issues.push({ pointer, message: 'must be an array of rules' }), []);
  if (required && value.length === 0) issues.push({ pointer, message: 'needs at least one rule' });
  if (value.length > MAX_RULES) return (issues.push({ pointer, message: `may hold at most ${MAX_RULES} rules` }), []);
  return value.map((item, index) => checkSelector(item, `${pointer}/${index}`, issues)).filter((s): s is Selector => s !== null);
}

/** The email list and IP list ids that rule lists (of groups or policies) name directly. */
export function listsNamedBy(rules: { include: Selector[]; exclude: Selector[]; require: Selector[] }[]): { emailListIds: string[]; ipListIds: string[] } {
  const all = rules.flatMap((r) => [...r.include, ...r.exclude, ...r.require]);
  return {
    emailListIds: [...new Set(all.filter((s) => s.email_list).map((s) => s.email_list.id))],
    ipListIds: [...new Set(all.filter((s) => s.ip_list).map((s) => s.ip_list.id))],
  };
}
