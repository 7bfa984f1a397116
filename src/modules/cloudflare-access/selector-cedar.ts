import { cedarString, formatUid } from '@/infra/cedar/cedar-text';
import { parseIpRange } from '@/common/net/ip-ranges';
import { requiredAmr } from './mfa';
import type { Issue, Selector } from './selector-checks';

/**
 * How a selector whose input is missing counts (PRODUCT.md section 15, fail closed): `grant` (include and require
 * of allow, bypass and non_identity policies) never matches without its input; `block` (exclude of those, include
 * and require of deny policies) always does.
 */
export type Polarity = 'grant' | 'block';

export interface RuleLists {
  include: Selector[];
  exclude: Selector[];
  require: Selector[];
}

/** What group, email_list and ip_list selectors refer to, read in the transaction that compiles. */
export interface CompileSources {
  groups: ReadonlyMap<string, RuleLists>;
  emailLists: ReadonlyMap<string, readonly string[]>;
  /** Each IP list's items (canonical addresses and CIDRs). */
  ipLists: ReadonlyMap<string, readonly string[]>;
}

/** Deepest nesting of groups in groups; deeper (and cycles) are refused. */
export const MAX_GROUP_DEPTH = 8;

const flip = (polarity: Polarity): Polarity => (polarity === 'grant' ? 'block' : 'grant');

/**
 * `present && test` when granting, `if present then test else true` when blocking (the same as `!present || test`,
 * in the form Cedar's strict validator follows: it does not carry `has` through a negated `||`).
 */
const guarded = (present: string, test: string, polarity: Polarity): string =>
  polarity === 'grant' ? `(${present} && ${test})` : `(if ${present} then ${test} else true)`;

const EMAIL_PRESENT = 'principal has email';
const IDENTITY = (attr: string) => `context has identity && context.identity has ${attr}`;
/** The sign-in showed one of the `amr` values (only a person's token sets context.identity: fail closed otherwise). */
const MFA = (amr: string[]) => `(${IDENTITY('amr')} && context.identity.amr.containsAny([${amr.map(cedarString).join(', ')}]))`;

function idpGroup(type: string, fields: Record<string, string>): string {
  const provider = fields.identity_provider_id ?? fields.connection_id;
  const group =
    type === 'okta' ? (fields.name ?? fields.email)
    : type === 'azureAD' ? fields.id
    : type === 'gsuite' ? fields.email
    : type === 'github-organization' ? (fields.team ? `${fields.name}/${fields.team}` : fields.name)
    : type === 'saml' ? fields.attribute_value
    : fields.claim_value;
  return formatUid({ type: 'IdpGroup', id: `${provider}/${group}` });
}

/** `a || b || ...` as a balanced tree, so a list of a thousand ranges nests about ten levels deep, not a thousand. */
export function anyOf(terms: string[]): string {
  if (terms.length === 0) return 'false';
  if (terms.length === 1) return terms[0];
  const half = Math.ceil(terms.length / 2);
  return `(${anyOf(terms.slice(0, half))} || ${anyOf(terms.slice(half))})`;
}

class Compiler {
  readonly groupIds = new Set<string>();
  readonly emailListIds = new Set<string>();
  readonly ipListIds = new Set<string>();

  constructor(
    private readonly sources: CompileSources,
    private readonly issues: Issue[],
  ) {}

  /** `(any include) && (every require) && !(any exclude)`, exclude with the opposite polarity. */
  /** `at`: inside a nested group, problems are reported at the selector that named the outermost group. */
  lists(rules: RuleLists, polarity: Polarity, pointer: string, stack: string[], at?: string): string {
    const part = (name: keyof RuleLists, p: Polarity) => rules[name].map((s, i) => this.selector(s, p, at ?? `${pointer}/${name}/${i}`, stack, at !== undefined));
    const include = part('include', polarity);
    const require = part('require', polarity);
    const exclude = part('exclude', flip(polarity));
    const clauses = [include.length === 0 ? 'false' : include.length === 1 ? include[0] : `(${include.join(' || ')})`, ...require];
    if (exclude.length > 0) clauses.push(`!(${exclude.join(' || ')})`);
    return clauses.length === 1 ? clauses[0] : `(${clauses.join(' && ')})`;
  }

  private selector(selector: Selector, polarity: Polarity, pointer: string, stack: string[], nested: boolean): string {
    const [type, fields] = Object.entries(selector)[0];
    switch (type) {
      case 'everyone':
        return 'true';
      case 'email':
        return guarded(EMAIL_PRESENT, `principal.email == ${cedarString(fields.email)}`, polarity);
      case 'email_domain':
        return guarded(EMAIL_PRESENT, `principal.email like ${cedarString(`*@${fields.domain}`)}`, polarity);
      case 'email_list':
        return guarded(EMAIL_PRESENT, this.emailList(fields.id, nested ? pointer : `${pointer}/email_list/id`), polarity);
      case 'ip':
        return guarded('context has ip', this.ip(fields.ip), polarity);
      case 'ip_list':
        return guarded('context has ip', this.ipList(fields.id, nested ? pointer : `${pointer}/ip_list/id`), polarity);
      case 'geo':
        return guarded('context has country_code', `context.country_code == ${cedarString(fields.country_code)}`, polarity);
      case 'device_posture':
        return guarded('context has device_posture', `context.device_posture.contains(${cedarString(fields.integration_uid)})`, polarity);
      case 'auth_method':
        return guarded(IDENTITY('amr'), `context.identity.amr.contains(${cedarString(fields.auth_method)})`, polarity);
      case 'login_method':
        return guarded(IDENTITY('provider'), `context.identity.provider == ${cedarString(fields.id)}`, polarity);
      case 'certificate':
        return guarded('context has certificate', 'true', polarity);
      case 'common_name':
        return guarded('context has certificate && context.certificate has common_name', `context.certificate.common_name == ${cedarString(fields.common_name)}`, polarity);
      case 'service_token':
        return `principal == ${formatUid({ type: 'ServiceToken', id: fields.token_id })}`;
      case 'any_valid_service_token':
        return 'principal is ServiceToken';
      case 'group':
        return this.group(fields.id, polarity, nested ? pointer : `${pointer}/group/id`, stack);
      default:
        // Membership is positive evidence on its own; without a groups attribute the principal's groups are unknown.
        return polarity === 'grant' ? `(principal in ${idpGroup(type, fields)})` : guarded('principal has groups', `principal in ${idpGroup(type, fields)}`, polarity);
    }
  }

  private ip(cidr: string): string {
    const range = parseIpRange(cidr);
    if (!range) return 'false';
    return `ip(context.ip).isInRange(ip(${cedarString(range.cidr)}))`;
  }

  private ipList(id: string, pointer: string): string {
    const items = this.sources.ipLists.get(id);
    if (!items) return (this.issues.push({ pointer, message: 'no IP list with this id' }), 'false');
    this.ipListIds.add(id);
    return anyOf(items.map((item) => this.ip(item)));
  }

  private emailList(id: string, pointer: string): string {
    const emails = this.sources.emailLists.get(id);
    if (!emails) {
      this.issues.push({ pointer, message: 'no email list with this id' });
      return 'false';
    }
    this.emailListIds.add(id);
    return emails.length === 0 ? 'false' : `[${emails.map(cedarString).join(', ')}].contains(principal.email)`;
  }

  private group(id: string, polarity: Polarity, pointer: string, stack: string[]): string {
    const group = this.sources.groups.get(id);
    if (!group) return (this.issues.push({ pointer, message: 'no Access group with this id' }), 'false');
    if (stack.includes(id)) return (this.issues.push({ pointer, message: `groups refer to each other in a cycle (${[...stack, id].join(' -> ')})` }), 'false');
    if (stack.length > MAX_GROUP_DEPTH) return (this.issues.push({ pointer, message: `groups nest deeper than ${MAX_GROUP_DEPTH} levels` }), 'false');
    this.groupIds.add(id);
    return this.lists(group, polarity, pointer, [...stack, id], pointer);
  }
}

/** A policy's decision as Cloudflare names it. */
export type AccessDecision = 'allow' | 'deny' | 'non_identity' | 'bypass';

/**
 * The Cedar `when { ... }` clause of a policy (PRODUCT.md section 15): groups inlined (cycles and depth above
 * MAX_GROUP_DEPTH refused), email lists and IP lists inlined, every value a Cedar string literal. A `deny` policy compiles its
 * include and require with `block` polarity; `non_identity` also requires a ServiceToken principal; an `allow` policy
 * whose `extra.mfa_config` asks for MFA also requires `context.identity.amr` to show an allowed authenticator.
 * Problems go to `issues` at JSON pointers under `pointer`.
 */
export function compileConditions(decision: AccessDecision, rules: RuleLists & { extra?: Record<string, unknown> }, sources: CompileSources, issues: Issue[], pointer = '', stack: string[] = []) {
  const compiler = new Compiler(sources, issues);
  const body = compiler.lists(rules, decision === 'deny' ? 'block' : 'grant', pointer, stack);
  const amr = decision === 'allow' ? requiredAmr(rules.extra?.mfa_config) : null;
  const withMfa = amr ? `${body} && ${MFA(amr)}` : body;
  const expression = decision === 'non_identity' ? `principal is ServiceToken && ${body}` : withMfa;
  return { conditions: `when {\n  ${expression}\n}`, groupIds: [...compiler.groupIds], emailListIds: [...compiler.emailListIds], ipListIds: [...compiler.ipListIds] };
}
