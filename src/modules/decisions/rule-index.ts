import { uidKey } from './entity-graph';
import type { ActionScope, EntityScope, RuleScopes } from '@/infra/cedar/rule-scope';

/** What the scope pre-filter knows about a request: each entity's key, type and ancestors (self included). */
export interface RequestShape {
  principal: { key: string; type: string; ancestors: ReadonlySet<string> };
  action: { key: string; ancestors: ReadonlySet<string> };
  resource: { key: string; type: string; ancestors: ReadonlySet<string> };
}

type KeyedEntityScope =
  | { kind: 'any' }
  | { kind: 'eq' | 'in'; key: string }
  | { kind: 'is'; type: string }
  | { kind: 'is_in'; type: string; key: string };
type KeyedActionScope = { kind: 'any' } | { kind: 'eq'; key: string } | { kind: 'in'; keys: string[] };

interface IndexedRule {
  principal: KeyedEntityScope;
  action: KeyedActionScope;
  resource: KeyedEntityScope;
}

function keyed(scope: EntityScope): KeyedEntityScope {
  if (scope.kind === 'any' || scope.kind === 'is') return scope;
  return scope.kind === 'is_in' ? { kind: 'is_in', type: scope.type, key: uidKey(scope.uid) } : { kind: scope.kind, key: uidKey(scope.uid) };
}

function keyedAction(scope: ActionScope): KeyedActionScope {
  if (scope.kind === 'any') return scope;
  return scope.kind === 'eq' ? { kind: 'eq', key: uidKey(scope.uid) } : { kind: 'in', keys: scope.uids.map(uidKey) };
}

/** Whether Cedar's scope check could hold, judged from the same hierarchy Cedar is given. */
export function entityScopeMayMatch(scope: KeyedEntityScope, entity: RequestShape['principal']): boolean {
  switch (scope.kind) {
    case 'any':
      return true;
    case 'eq':
      return scope.key === entity.key;
    case 'in':
      return entity.ancestors.has(scope.key);
    case 'is':
      return scope.type === entity.type;
    case 'is_in':
      return scope.type === entity.type && entity.ancestors.has(scope.key);
  }
}

export function actionScopeMayMatch(scope: KeyedActionScope, action: RequestShape['action']): boolean {
  if (scope.kind === 'any') return true;
  if (scope.kind === 'eq') return scope.key === action.key;
  return scope.keys.some((key) => action.ancestors.has(key));
}

const principalBucket = (scope: KeyedEntityScope): string =>
  scope.kind === 'any' ? '*' : scope.kind === 'is' ? `is:${scope.type}` : scope.key;

/**
 * The rules of one tier, indexed by the entity their principal scope names, so a request only looks at rules whose
 * scope can match it. Never leaves out a rule Cedar could find satisfied: a rule outside the scope cannot be.
 */
export class RuleIndex {
  private readonly rules: IndexedRule[];
  private readonly buckets = new Map<string, number[]>();

  constructor(scopes: RuleScopes[]) {
    this.rules = scopes.map((scope) => ({
      principal: keyed(scope.principal),
      action: keyedAction(scope.action),
      resource: keyed(scope.resource),
    }));
    this.rules.forEach((rule, index) => {
      const bucket = principalBucket(rule.principal);
      this.buckets.set(bucket, [...(this.buckets.get(bucket) ?? []), index]);
    });
  }

  get size(): number {
    return this.rules.length;
  }

  /** Positions (ascending) of the rules whose scope may match the request. */
  candidates(request: RequestShape): number[] {
    const found: number[] = [];
    const visit = (bucket: string) => {
      for (const index of this.buckets.get(bucket) ?? []) {
        const rule = this.rules[index];
        if (
          entityScopeMayMatch(rule.principal, request.principal) &&
          actionScopeMayMatch(rule.action, request.action) &&
          entityScopeMayMatch(rule.resource, request.resource)
        ) {
          found.push(index);
        }
      }
    };
    visit('*');
    visit(`is:${request.principal.type}`);
    for (const key of request.principal.ancestors) visit(key);
    return found.sort((a, b) => a - b);
  }
}
