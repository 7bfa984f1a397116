import { uidKey } from './entity-graph';
import { RequestShape, RuleIndex } from './rule-index';
import type { RuleScopes } from '@/infra/cedar/rule-scope';

const u = (type: string, id: string) => ({ type, id });
const any = { kind: 'any' } as const;
const scopes = (partial: Partial<RuleScopes>): RuleScopes => ({ principal: any, action: any, resource: any, ...partial });

describe('RuleIndex', () => {
  const index = new RuleIndex([
    scopes({}),
    scopes({ principal: { kind: 'eq', uid: u('User', 'alice') } }),
    scopes({ principal: { kind: 'eq', uid: u('User', 'bob') } }),
    scopes({ principal: { kind: 'in', uid: u('Group', 'eng') } }),
    scopes({ principal: { kind: 'is', type: 'User' } }),
    scopes({ principal: { kind: 'is', type: 'Service' } }),
    scopes({ principal: { kind: 'is_in', type: 'User', uid: u('Group', 'sre') } }),
    scopes({ action: { kind: 'eq', uid: u('Action', 'ssh') } }),
    scopes({ action: { kind: 'in', uids: [u('Action', 'sudo'), u('Action', 'admin')] } }),
    scopes({ resource: { kind: 'in', uid: u('Env', 'prod') } }),
    scopes({ resource: { kind: 'is_in', type: 'Host', uid: u('Env', 'dev') } }),
    scopes({ principal: { kind: 'eq', uid: u('User', 'alice') }, resource: { kind: 'eq', uid: u('Host', 'other') } }),
  ]);
  const shape: RequestShape = {
    principal: { key: uidKey(u('User', 'alice')), type: 'User', ancestors: new Set(['User::"alice"', 'Group::"sre"', 'Group::"eng"']) },
    action: { key: uidKey(u('Action', 'ssh')), ancestors: new Set(['Action::"ssh"', 'Action::"admin"']) },
    resource: { key: uidKey(u('Host', 'db')), type: 'Host', ancestors: new Set(['Host::"db"', 'Env::"prod"']) },
  };

  it('keeps exactly the rules whose scope can match', () => {
    expect(index.candidates(shape)).toEqual([0, 1, 3, 4, 6, 7, 8, 9]);
  });

  it('follows the request: another principal, action and resource', () => {
    const bob: RequestShape = {
      principal: { key: 'User::"bob"', type: 'User', ancestors: new Set(['User::"bob"']) },
      action: { key: 'Action::"read"', ancestors: new Set(['Action::"read"']) },
      resource: { key: 'Host::"web"', type: 'Host', ancestors: new Set(['Host::"web"', 'Env::"dev"']) },
    };
    expect(index.candidates(bob)).toEqual([0, 2, 4, 10]);
  });
});
