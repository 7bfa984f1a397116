import { conflict } from '@/common/errors/domain-error';
import { Checker, isObject, ISOLATION_UNAVAILABLE, UUID } from './access-bodies';
import { escapePointer } from './selector-checks';

/** An application's domain: a host name with an optional path; no wildcard, no scheme, no spaces or quotes. */
const APP_DOMAIN = /^(?=.{1,253}(?:\/|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::\d{1,5})?(?:\/[A-Za-z0-9._~\-/]*)?$/;
export const APP_TYPES = ['self_hosted', 'saas', 'ssh', 'vnc', 'rdp', 'app_launcher', 'warp', 'biso', 'bookmark', 'dash_sso', 'infrastructure'];
const APP_FLAGS = ['app_launcher_visible', 'auto_redirect_to_identity', 'enable_binding_cookie', 'http_only_cookie_attribute', 'skip_interstitial', 'isolation_required'];

export interface AppInput {
  name: string;
  domain: string;
  type: string;
  sessionDuration: string;
  /** Reusable policies applied to the app; undefined when the body does not name them (PUT keeps none). */
  policies: { id: string; precedence: number }[] | undefined;
  extra: Record<string, unknown>;
}

/** An Access application body (POST and PUT). `policies` holds reusable policy ids, or `{id, precedence}`. */
export function checkAppBody(body: unknown): AppInput {
  const c = Checker.of(body);
  c.known(['name', 'domain', 'type', 'session_duration', 'policies', 'allowed_idps', ...APP_FLAGS]);
  const domain = c.text('domain', true, 500);
  if (domain !== undefined && !APP_DOMAIN.test(domain)) c.issues.push({ pointer: '/domain', message: 'must be a host name with an optional path (no scheme, no wildcard, no quotes)' });
  const type = c.body.type ?? 'self_hosted';
  if (!APP_TYPES.includes(type as string)) c.issues.push({ pointer: '/type', message: `must be one of ${APP_TYPES.join(', ')}` });
  const extra: Record<string, unknown> = {};
  for (const flag of APP_FLAGS) {
    const value = c.flag(flag);
    if (value === true && flag === 'isolation_required') c.issues.push({ pointer: '/isolation_required', message: ISOLATION_UNAVAILABLE });
    if (value !== undefined) extra[flag] = value;
  }
  const idps = c.body.allowed_idps;
  if (idps !== undefined && (!Array.isArray(idps) || idps.length > 50 || idps.some((i) => typeof i !== 'string' || i.length === 0 || i.length > 256))) c.issues.push({ pointer: '/allowed_idps', message: 'must be an array of identity provider ids' });
  else if (idps !== undefined) extra.allowed_idps = idps;
  const input: AppInput = {
    name: c.text('name', true) ?? '',
    domain: (domain ?? '').toLowerCase(),
    type: type as string,
    sessionDuration: c.duration('session_duration', c.body.session_duration) ?? '24h',
    policies: appPolicies(c),
    extra,
  };
  c.done();
  refuseRepeatedPrecedence(input.policies);
  return input;
}

function appPolicies(c: Checker): AppInput['policies'] {
  const value = c.body.policies;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 500) return (c.issues.push({ pointer: '/policies', message: 'must be an array of at most 500 policy ids or {id, precedence}' }), []);
  const out = value.map((item: unknown, index) => {
    const at = `/policies/${index}`;
    const id = typeof item === 'string' ? item : isObject(item) ? item.id : undefined;
    const precedence = isObject(item) && item.precedence !== undefined ? item.precedence : index + 1;
    if (isObject(item)) for (const k of Object.keys(item)) if (!['id', 'precedence'].includes(k)) c.issues.push({ pointer: `${at}/${escapePointer(k)}`, message: 'unknown field' });
    if (typeof id !== 'string' || !UUID.test(id)) c.issues.push({ pointer: typeof item === 'string' ? at : `${at}/id`, message: 'must be a policy id (UUID)' });
    if (typeof precedence !== 'number' || !Number.isInteger(precedence) || precedence < 0 || precedence > 1_000_000) c.issues.push({ pointer: `${at}/precedence`, message: 'must be an integer from 0 to 1000000' });
    return { id: String(id).toLowerCase(), precedence: precedence as number };
  });
  if (new Set(out.map((p) => p.id)).size !== out.length) c.issues.push({ pointer: '/policies', message: 'names a policy twice' });
  return out;
}

/** Precedence is unique per application: a repeat is `409 conflict` at the repeating entry. */
function refuseRepeatedPrecedence(policies: AppInput['policies']): void {
  const seen = new Map<number, number>();
  (policies ?? []).forEach((p, i) => {
    const first = seen.get(p.precedence);
    if (first !== undefined) throw conflict(`/policies/${i} repeats the precedence of /policies/${first}`, { fields: { [`/policies/${i}/precedence`]: ['must be unique within the application'] } });
    seen.set(p.precedence, i);
  });
}
