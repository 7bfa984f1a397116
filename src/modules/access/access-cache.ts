import type { EntityUid } from '@/infra/cedar/cedar-types';
import { GrantStatus, isTerminal } from '@/modules/grants/grant-state';

export interface GrantUpdate {
  id: string;
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  status: GrantStatus;
  expiresAt: number | null;
  auditSession: boolean;
}

export interface CachedGrant {
  id: string;
  expiresAt: number;
  auditSession: boolean;
  /** `expiresAt` as ISO 8601, made on the first check that answers with it (null until then and after an extension). */
  expiresIso: string | null;
}

/**
 * The cache key of a triple. NUL separates the parts: no stored or accepted type or id can hold one (PostgreSQL
 * text refuses it, and so does the input guard), so two triples never share a key.
 */
export const accessKey = (principal: EntityUid, action: EntityUid, resource: EntityUid): string =>
  `${principal.type}\u0000${principal.id}\u0000${action.type}\u0000${action.id}\u0000${resource.type}\u0000${resource.id}`;

/** A stored key as one flat string: a concatenation would keep its six parts (and their sources) alive. */
const storedKey = (key: string): string => Buffer.from(key, 'utf8').toString('utf8');

/** `expires_at` of a cached grant as ISO 8601, made once per grant and expiry. */
export function expiresIso(grant: CachedGrant): string {
  grant.expiresIso ??= new Date(grant.expiresAt).toISOString();
  return grant.expiresIso;
}

const TOMBSTONE_MS = 10 * 60_000;

/** What a key holds: its one grant (almost always), or several (a grant requested again before the first ended). */
type Held = CachedGrant | CachedGrant[];

/**
 * A tenant's active grants by (principal, action, resource). Updates are monotonic so they can arrive in any order
 * and more than once: a grant in a terminal status of the state machine (grant-state.ts) is remembered (tombstone)
 * and never comes back; an active one only ever moves its expiry later (extensions); a pending request is not
 * access yet and changes nothing. Expiry is checked at read time, so nothing is allowed past `expires_at` even
 * before the expiry job has run.
 */
export class TenantGrants {
  /** A key's one grant is held without an array: a check then reads one object less over a cache far beyond L2. */
  private readonly byKey = new Map<string, Held>();
  private readonly keyOf = new Map<string, string>();
  private readonly ended = new Map<string, number>();

  apply(update: GrantUpdate, now = Date.now()): void {
    if (this.ended.has(update.id)) return;
    if (isTerminal(update.status)) {
      this.ended.set(update.id, now);
      this.remove(update.id);
      this.prune(now);
      return;
    }
    if (update.status !== 'active' || update.expiresAt === null) return;
    const key = this.keyOf.get(update.id) ?? storedKey(accessKey(update.principal, update.action, update.resource));
    const held = this.byKey.get(key);
    const existing = held === undefined ? undefined : Array.isArray(held) ? held.find((g) => g.id === update.id) : held.id === update.id ? held : undefined;
    if (existing) {
      if (update.expiresAt > existing.expiresAt) {
        existing.expiresAt = update.expiresAt;
        existing.expiresIso = null;
      }
      return;
    }
    const grant: CachedGrant = { id: update.id, expiresAt: update.expiresAt, auditSession: update.auditSession, expiresIso: null };
    if (held === undefined) this.byKey.set(key, grant);
    else if (Array.isArray(held)) held.push(grant);
    else this.byKey.set(key, [held, grant]);
    this.keyOf.set(update.id, key);
  }

  /** The live grant with the latest expiry for the key, if any. */
  find(key: string, now = Date.now()): CachedGrant | null {
    const held = this.byKey.get(key);
    if (held === undefined) return null;
    if (!Array.isArray(held)) return held.expiresAt > now ? held : null;
    let best: CachedGrant | null = null;
    for (const grant of held) {
      if (grant.expiresAt > now && (!best || grant.expiresAt > best.expiresAt)) best = grant;
    }
    return best;
  }

  get size(): number {
    return this.keyOf.size;
  }

  private remove(id: string): void {
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const held = this.byKey.get(key);
    const rest = held === undefined ? [] : Array.isArray(held) ? held.filter((g) => g.id !== id) : held.id === id ? [] : [held];
    if (rest.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, rest.length === 1 ? rest[0] : rest);
  }

  private prune(now: number): void {
    if (this.ended.size < 10_000) return;
    for (const [id, at] of this.ended) if (now - at > TOMBSTONE_MS) this.ended.delete(id);
  }
}
