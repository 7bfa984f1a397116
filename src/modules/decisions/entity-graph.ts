import { formatUid, isEntityType } from '@/infra/cedar/cedar-text';
import type { CedarEntity, EntityUid } from '@/infra/cedar/cedar-types';

interface Node {
  entity: CedarEntity;
  /** Keys of the parents in the store. */
  parents: string[];
  /** Keys of entities named in the attributes (`{"__entity": ...}`), which conditions may dereference. */
  refs: string[];
}

export const uidKey = (uid: EntityUid): string => formatUid(uid);

/** Entity references inside a Cedar JSON value; `{type, id}` objects count too (a superset only widens a slice). */
export function entityRefs(value: unknown, out: EntityUid[] = []): EntityUid[] {
  if (value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const item of value) entityRefs(item, out);
    return out;
  }
  const record = value as Record<string, unknown>;
  const candidate = (record.__entity ?? record) as Record<string, unknown>;
  if (typeof candidate.type === 'string' && typeof candidate.id === 'string' && isEntityType(candidate.type)) {
    out.push({ type: candidate.type, id: candidate.id });
  }
  if (record.__entity === undefined) for (const item of Object.values(record)) entityRefs(item, out);
  return out;
}

/**
 * The tenant's entity store in memory: ancestor sets for the scope pre-filter, and the slice of entities a request
 * can reach (its principal, action, resource, their ancestors and what their attributes point at).
 */
export class EntityGraph {
  private readonly nodes = new Map<string, Node>();
  /** Extra parents known only for the pre-filter (action groups declared by the schema, not sent as entities). */
  private readonly extraParents = new Map<string, string[]>();
  /** Only for keys in the store or in extraParents, so its size is bounded by the tenant's data, not by requests. */
  private readonly ancestorCache = new Map<string, ReadonlySet<string>>();

  constructor(entities: CedarEntity[], extraEdges: [EntityUid, EntityUid][] = []) {
    for (const entity of entities) {
      this.nodes.set(uidKey(entity.uid), {
        entity,
        parents: entity.parents.map(uidKey),
        refs: entityRefs(entity.attrs).map(uidKey),
      });
    }
    for (const [child, parent] of extraEdges) {
      const key = uidKey(child);
      this.extraParents.set(key, [...(this.extraParents.get(key) ?? []), uidKey(parent)]);
    }
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Ancestor sets held in memory (for tests: requests naming unknown entities must not add to it). */
  get cachedAncestorSets(): number {
    return this.ancestorCache.size;
  }

  /** The entity's key and the keys of all its ancestors (what `in` can match). */
  ancestorsOrSelf(key: string): ReadonlySet<string> {
    const cached = this.ancestorCache.get(key);
    if (cached) return cached;
    // An entity the store does not hold (any id a request names) has no ancestors: nothing to cache.
    if (!this.nodes.has(key) && !this.extraParents.has(key)) return new Set([key]);
    const seen = new Set<string>([key]);
    const queue = [key];
    while (queue.length > 0) {
      const current = queue.pop() as string;
      const parents = [...(this.nodes.get(current)?.parents ?? []), ...(this.extraParents.get(current) ?? [])];
      for (const parent of parents) {
        if (!seen.has(parent)) {
          seen.add(parent);
          queue.push(parent);
        }
      }
    }
    this.ancestorCache.set(key, seen);
    return seen;
  }

  /** Stored entities reachable from `roots` through parents and attribute references. */
  slice(roots: Iterable<string>): CedarEntity[] {
    const seen = new Set<string>();
    const out: CedarEntity[] = [];
    const queue = [...roots];
    while (queue.length > 0) {
      const key = queue.pop() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      const node = this.nodes.get(key);
      if (!node) continue;
      out.push(node.entity);
      for (const next of node.parents) if (!seen.has(next)) queue.push(next);
      for (const next of node.refs) if (!seen.has(next)) queue.push(next);
    }
    return out;
  }
}
