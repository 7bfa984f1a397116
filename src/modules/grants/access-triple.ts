import { createHash } from 'node:crypto';
import { Prisma } from '@/generated/prisma/client';
import type { EntityUid } from '@/infra/cedar/cedar-types';

/** Who has access to what: the triple the access check answers for. */
export interface AccessTriple {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
}

/** A triple of one tenant (expiry passes span tenants). */
export interface TenantTriple {
  tenantId: string;
  triple: AccessTriple;
}

export const tripleKey = (t: AccessTriple): string =>
  JSON.stringify([t.principal.type, t.principal.id, t.action.type, t.action.id, t.resource.type, t.resource.id]);

/** A signed 64-bit advisory-lock key for a tenant's triple. */
export const accessLockKey = (tenantId: string, t: AccessTriple): bigint => createHash('sha256').update(tenantId).update(tripleKey(t)).digest().readBigInt64BE(0);

/** The live grant that still covers a triple: what `access_remains` says. */
export interface LiveGrant {
  id: string;
  expiresAt: Date;
}

export type TripleRow = { principal_type: string; principal_id: string; action_type: string; action_id: string; resource_type: string; resource_id: string };
export const tripleOfRow = (r: TripleRow): AccessTriple => ({
  principal: { type: r.principal_type, id: r.principal_id },
  action: { type: r.action_type, id: r.action_id },
  resource: { type: r.resource_type, id: r.resource_id },
});

/**
 * lockAccess as one statement's SQL (one row, column `locked`): the locks are taken in key order when the row is
 * read, so a statement that needs them before its row locks reads it first (grant-request.repository.ts).
 */
export function accessLockSql(tenantId: string, triples: AccessTriple[]): Prisma.Sql {
  const keys = [...new Set(triples.map((t) => accessLockKey(tenantId, t)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Prisma.sql`SELECT count(pg_advisory_xact_lock(k))::int AS locked FROM (SELECT unnest(${keys}::bigint[]) AS k ORDER BY k) AS ordered`;
}

/**
 * The access locks of these triples that are free, taken without waiting (rows k: the keys taken), and how to tell
 * from its rows which of `items` had their lock taken (in the order of `items`). A statement that never waits cannot
 * deadlock, whatever order other transactions take their locks in.
 */
export function tryAccessLockSql(items: TenantTriple[]): { sql: Prisma.Sql; read: (rows: { k: bigint }[]) => boolean[] } {
  const keys = items.map((item) => accessLockKey(item.tenantId, item.triple));
  return {
    sql: Prisma.sql`SELECT k FROM unnest(${[...new Set(keys)]}::bigint[]) AS k WHERE pg_try_advisory_xact_lock(k)`,
    read: (rows) => {
      const taken = new Set(rows.map((row) => row.k));
      return keys.map((key) => taken.has(key));
    },
  };
}

export type LiveRow = { n: number; id: string; expires_at: Date };

/** Live grants by tenant, then by tripleKey. */
export type LiveByTenant = Map<string, Map<string, LiveGrant>>;

/**
 * For each distinct tenant triple, the active grant with the latest expiry after `now`, as SQL (rows n, id,
 * expires_at; n numbers the distinct triples from 1) and how to read its rows; null when there is none.
 */
export function liveForSql(items: TenantTriple[], now: Date): { sql: Prisma.Sql; read: (rows: LiveRow[]) => LiveByTenant } | null {
  const unique = [...new Map(items.map((item) => [`${item.tenantId} ${tripleKey(item.triple)}`, item])).values()];
  if (unique.length === 0) return null;
  const column = (pick: (t: AccessTriple) => string) => unique.map((item) => pick(item.triple));
  const sql = Prisma.sql`
    SELECT t.n::int AS n, g.id, g.expires_at
    FROM unnest(${unique.map((item) => item.tenantId)}::uuid[], ${column((t) => t.principal.type)}::text[], ${column((t) => t.principal.id)}::text[],
                ${column((t) => t.action.type)}::text[], ${column((t) => t.action.id)}::text[], ${column((t) => t.resource.type)}::text[],
                ${column((t) => t.resource.id)}::text[])
         WITH ORDINALITY AS t(tid, pt, pi, at, ai, rt, ri, n)
    CROSS JOIN LATERAL (
      SELECT id, expires_at FROM grants g
      WHERE g.tenant_id = t.tid AND g.status = 'active' AND g.principal_type = t.pt AND g.principal_id = t.pi
        AND g.action_type = t.at AND g.action_id = t.ai AND g.resource_type = t.rt AND g.resource_id = t.ri AND g.expires_at > ${now}
      ORDER BY g.expires_at DESC LIMIT 1) g`;
  const read = (rows: LiveRow[]): LiveByTenant => {
    const live: LiveByTenant = new Map();
    for (const row of rows) {
      const { tenantId, triple } = unique[row.n - 1];
      const ofTenant = live.get(tenantId) ?? new Map<string, LiveGrant>();
      live.set(tenantId, ofTenant.set(tripleKey(triple), { id: row.id, expiresAt: row.expires_at }));
    }
    return live;
  };
  return { sql, read };
}
