import { checkRuleList, Issue } from './selector-checks';
import { anyOf, compileConditions, CompileSources, RuleLists } from './selector-cedar';

const IPS = '1c1c1c1c-0000-4000-8000-00000000001c';
const EMPTY = '1d1d1d1d-0000-4000-8000-00000000001d';
const sources = (groups: Record<string, RuleLists> = {}): CompileSources => ({ groups: new Map(Object.entries(groups)), emailLists: new Map([['3f0c2a5e-0000-4000-8000-000000000001', ['a@example.com']]]),
  ipLists: new Map([
    [IPS, ['10.0.0.0/8', '2001:db8::1']],
    [EMPTY, []],
  ]),
});
const lists = (include: unknown[], exclude: unknown[] = [], require: unknown[] = []): RuleLists => {
  const issues: Issue[] = [];
  const out = { include: checkRuleList(include, '/include', issues, true), exclude: checkRuleList(exclude, '/exclude', issues, false), require: checkRuleList(require, '/require', issues, false) };
  expect(issues).toEqual([]);
  return out;
};

describe('compileConditions', () => {
  it('grants only on present input and blocks on missing input', () => {
    const { conditions } = compileConditions('allow', lists([{ email: { email: 'a@example.com' } }], [{ ip: { ip: '10.0.0.0/8' } }]), sources(), []);
    expect(conditions).toBe('when {\n  ((principal has email && principal.email == "a@example.com") && !((if context has ip then ip(context.ip).isInRange(ip("10.0.0.0/8")) else true)))\n}');
  });

  it('flips polarity for deny policies', () => {
    const { conditions } = compileConditions('deny', lists([{ geo: { country_code: 'us' } }]), sources(), []);
    expect(conditions).toContain('(if context has country_code then context.country_code == "US" else true)');
  });

  it('inlines groups and email lists, and reports cycles at the selector that named the group', () => {
    const a = lists([{ email_list: { id: '3f0c2a5e-0000-4000-8000-000000000001' } }]);
    const compiled = compileConditions('allow', lists([{ group: { id: '0a0a0a0a-0000-4000-8000-00000000000a' } }]), sources({ '0a0a0a0a-0000-4000-8000-00000000000a': a }), []);
    expect(compiled).toMatchObject({ groupIds: ['0a0a0a0a-0000-4000-8000-00000000000a'], emailListIds: ['3f0c2a5e-0000-4000-8000-000000000001'] });
    expect(compiled.conditions).toContain('["a@example.com"].contains(principal.email)');
    const issues: Issue[] = [];
    const loop = { include: [{ group: { id: '0b0b0b0b-0000-4000-8000-00000000000b' } }], exclude: [], require: [] };
    compileConditions('allow', lists([{ group: { id: '0b0b0b0b-0000-4000-8000-00000000000b' } }]), sources({ '0b0b0b0b-0000-4000-8000-00000000000b': loop }), issues);
    expect(issues).toEqual([{ pointer: '/include/0/group/id', message: expect.stringContaining('cycle') }]);
  });

  it('inlines an IP list as ip selectors of its items, fail closed like ip, and an empty list matches nothing', () => {
    const grant = compileConditions('allow', lists([{ ip_list: { id: IPS.toUpperCase() } }], [{ ip_list: { id: EMPTY } }]), sources(), []);
    expect(grant.conditions).toBe(
      'when {\n  ((context has ip && (ip(context.ip).isInRange(ip("10.0.0.0/8")) || ip(context.ip).isInRange(ip("2001:db8:0:0:0:0:0:1/128")))) && !((if context has ip then false else true)))\n}',
    );
    expect(grant.ipListIds).toEqual([IPS, EMPTY]);
    expect(compileConditions('deny', lists([{ ip_list: { id: IPS } }]), sources(), []).conditions).toContain('(if context has ip then (ip(context.ip)');
    const issues: Issue[] = [];
    compileConditions('allow', lists([{ everyone: {} }], [], [{ ip_list: { id: '2e2e2e2e-0000-4000-8000-00000000002e' } }]), sources(), issues);
    expect(issues).toEqual([{ pointer: '/require/0/ip_list/id', message: 'no IP list with this id' }]);
  });

  it('nests a long OR as a balanced tree', () => {
    expect(anyOf(['a', 'b', 'c'])).toBe('((a || b) || c)');
    const deep = anyOf(Array.from({ length: 1000 }, (_, i) => `t${i}`));
    let depth = 0;
    let max = 0;
    for (const ch of deep) max = Math.max(max, (depth += ch === '(' ? 1 : ch === ')' ? -1 : 0));
    expect(max).toBe(10);
  });

  it('refuses unknown and malformed selectors at their pointers', () => {
    const issues: Issue[] = [];
    checkRuleList([{ email: { email: 'a"b@example.com' } }, { nope: {} }, { email_domain: { domain: '*.example.com' } }, { external_evaluation: { evaluate_url: 'https://x', keys_url: 'https://y' } }, { email: {}, ip: {} }, { oidc: { claim_name: 'department', claim_value: 'x', identity_provider_id: 'p' } }], '/include', issues, true);
    expect(issues.map((i) => i.pointer)).toEqual(['/include/0/email/email', '/include/1/nope', '/include/2/email_domain/domain', '/include/3/external_evaluation', '/include/4', '/include/5/oidc/claim_name']);
  });
});
