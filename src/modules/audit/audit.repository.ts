import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';
import { AuditPendingRepository, countStagedSql, removeStagedSql, stagedExistSql, toStage } from './audit-pending.repository';
import { AuditEventInput, ChainedEvent, ChainHead, eventHash, GENESIS_HASH, StagedEvent } from './audit-chain';

export interface AuditFilter {
  action?: string;
  actorId?: string;
  actorType?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
}

export interface SeqRange {
  order: 'asc' | 'desc';
  /** Keyset: only events past this seq in `order`. */
  after?: bigint;
  /** Only events up to this seq (a head read earlier), so that a long read ends where it started. */
  upTo?: bigint;
  limit: number;
}

interface Linked {
  events: ChainedEvent[];
  /** Each event's data as JSON text: hashed as PostgreSQL will hand it back, and inserted as the same text. */
  json: string[];
  head: ChainHead;
}

/** Gives events their seqs and hashes after `head`, in order (no I/O). */
function link(tenantId: string, inputs: StagedEvent[], head: ChainHead): Linked {
  let { seq, hash } = head;
  const json = inputs.map((input) => JSON.stringify(input.data));
  const events = inputs.map((input, i): ChainedEvent => {
    seq += 1n;
    const unhashed = {
      id: input.id,
      tenantId,
      seq,
      occurredAt: input.occurredAt,
      actorType: input.actor.type,
      actorId: input.actor.id,
      actorEmail: input.actor.email ?? null,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      data: JSON.parse(json[i]) as unknown,
    };
    const event = { ...unhashed, prevHash: hash, hash: eventHash(hash, unhashed) };
    hash = event.hash;
    return event;
  });
  return { events, json, head: { seq, hash } };
}

/** The INSERT of linked events (of one tenant or several), one array per column; with `gate` (a CTE name) only when the gate has a row. */
function insertSql(chains: { tenantId: string; linked: Linked }[], gate?: Prisma.Sql): Prisma.Sql {
  const events = chains.flatMap(({ linked }) => linked.events);
  const json = chains.flatMap(({ linked }) => linked.json);
  const column = <T>(pick: (event: ChainedEvent) => T) => events.map(pick);
  return Prisma.sql`
    INSERT INTO audit_events (id, tenant_id, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash)
    SELECT id, tenant_id, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash
    FROM unnest(${column((e) => e.id)}::uuid[], ${column((e) => e.tenantId)}::uuid[], ${column((e) => e.seq.toString())}::bigint[],
      ${column((e) => e.occurredAt.toISOString())}::timestamptz[], ${column((e) => e.actorType)}::text[], ${column((e) => e.actorId)}::text[],
      ${column((e) => e.actorEmail)}::text[], ${column((e) => e.action)}::text[], ${column((e) => e.targetType)}::text[], ${column((e) => e.targetId)}::text[],
      ${json}::jsonb[], ${column((e) => e.prevHash)}::text[], ${column((e) => e.hash)}::text[])
      AS e(id, tenant_id, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash)
    ${gate ? Prisma.sql`WHERE EXISTS (SELECT 1 FROM ${gate})` : Prisma.empty}`;
}

/** The tenant's head as locked, and whether any of its events were staged (not chained yet) at that time. */
export interface LockedHead extends ChainHead {
  staged: boolean;
}

/**
 * Locks the tenant's head row and reads it (seq, hash) with `staged` (LockedHead), as one statement's SQL; no row
 * when the tenant has no head yet (AuditRepository.lockHead creates it). `staged` reads the statement's snapshot,
 * taken before the lock was granted: events staged by changes committed before the statement began (every change
 * the caller's transaction saw) count; a change committing while the lock is awaited is concurrent with the
 * caller's and may be chained after it.
 */
export const lockHeadSql = (tenantId: string): Prisma.Sql =>
  Prisma.sql`SELECT seq, hash, ${stagedExistSql(tenantId)} AS staged FROM audit_heads WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;

/** Staged events taken per statement by a direct append. */
const TAKE = 1000;

@Injectable()
export class AuditRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pending: AuditPendingRepository,
  ) {}

  /** Appends inside the caller's transaction: the head row lock orders concurrent appends of one tenant. */
  async append(tx: RawTx, tenantId: string, input: AuditEventInput): Promise<ChainedEvent> {
    const [event] = await this.appendMany(tx, tenantId, [input]);
    return event;
  }

  /**
   * Several events under one head lock, chained in order (bulk expiry), after every event staged and committed
   * before the lock was taken: a change that commits after a grant request (a revoke of a grant seen in a listing)
   * never precedes that request's events in the chain, even when their pass has not run yet or lost the lock.
   */
  async appendMany(tx: RawTx, tenantId: string, inputs: AuditEventInput[]): Promise<ChainedEvent[]> {
    return this.appendLocked(tx, tenantId, await this.lockHead(tx, tenantId), toStage(inputs));
  }

  /**
   * appendMany's second half, for a caller that locked the head itself (lockHead, or lockHeadSql within its own
   * statement): the staged events first when `locked.staged`, then `events`, with `also` (a data-modifying
   * statement, e.g. the outbox rows of the change) in the same statement as the last insert.
   */
  async appendLocked(tx: RawTx, tenantId: string, locked: LockedHead, events: StagedEvent[], also?: Prisma.Sql): Promise<ChainedEvent[]> {
    return this.appendAcross(tx, new Map([[tenantId, locked]]), new Map([[tenantId, events]]), also);
  }

  /**
   * appendLocked for several tenants at once, each after its head as the caller locked it (`heads`: lockHead or
   * tryLockHeads in this transaction): every tenant's staged events first when its head says so, then the events
   * of all tenants and the moves of their heads in one statement, with `also`. Events of a tenant absent from
   * `heads` are a programming error (thrown before anything is written).
   */
  async appendAcross(tx: RawTx, heads: Map<string, LockedHead>, events: Map<string, StagedEvent[]>, also?: Prisma.Sql): Promise<ChainedEvent[]> {
    const chains: { tenantId: string; linked: Linked }[] = [];
    for (const tenantId of events.keys()) if (!heads.has(tenantId)) throw new Error(`appendAcross: the head of tenant ${tenantId} is not locked`);
    for (const [tenantId, inputs] of events) {
      const locked = heads.get(tenantId) as LockedHead;
      let head: ChainHead = locked;
      for (let more = locked.staged; more; ) {
        const staged = await this.pending.take(tx, tenantId, TAKE);
        const chained = await this.chain(tx, tenantId, staged, head);
        if (chained.length > 0) head = chained[chained.length - 1];
        more = staged.length === TAKE;
      }
      if (inputs.length > 0) chains.push({ tenantId, linked: link(tenantId, inputs, head) });
    }
    if (chains.length === 0) {
      if (also) await tx.$executeRaw(also);
      return [];
    }
    // The heads move in the same statement (a data-modifying CTE always runs to completion): one round trip.
    await tx.$executeRaw`
      WITH appended AS (${insertSql(chains)} RETURNING 1)${also ? Prisma.sql`, also AS (${also})` : Prisma.empty}
      UPDATE audit_heads h SET seq = v.seq, hash = v.hash
      FROM unnest(${chains.map((c) => c.tenantId)}::uuid[], ${chains.map((c) => c.linked.head.seq.toString())}::bigint[],
        ${chains.map((c) => c.linked.head.hash)}::text[]) AS v(tenant_id, seq, hash)
      WHERE h.tenant_id = v.tenant_id`;
    return chains.flatMap((c) => c.linked.events);
  }

  /**
   * The heads of these tenants that no other transaction holds, locked until the transaction ends without waiting
   * (SKIP LOCKED), each with `staged` as lockHeadSql reads it. A tenant without a head row is left out (lockHead
   * creates it).
   */
  async tryLockHeads(tx: RawTx, tenantIds: string[]): Promise<Map<string, LockedHead>> {
    if (tenantIds.length === 0) return new Map();
    const rows = await tx.$queryRaw<(LockedHead & { tenant_id: string })[]>`
      SELECT h.tenant_id, h.seq, h.hash, ${stagedExistSql(Prisma.raw('h.tenant_id'))} AS staged
      FROM audit_heads h WHERE h.tenant_id = ANY(${tenantIds}::uuid[]) FOR UPDATE OF h SKIP LOCKED`;
    return new Map(rows.map((row) => [row.tenant_id, { seq: row.seq, hash: row.hash, staged: row.staged }]));
  }

  /**
   * Appends events that already have their id and time (staged ones, audit-chainer.ts) after the tenant's head, in
   * the given order, under the head row lock, which it holds until the caller's transaction ends. `locked`: the
   * head as the caller's lockHead returned it in this transaction; `also`: a data-modifying statement run in the
   * same statement.
   */
  async chain(tx: RawTx, tenantId: string, inputs: StagedEvent[], locked?: ChainHead, also?: Prisma.Sql): Promise<ChainedEvent[]> {
    if (inputs.length === 0) {
      if (also) await tx.$executeRaw(also);
      return [];
    }
    const linked = link(tenantId, inputs, locked ?? (await this.lockHead(tx, tenantId)));
    // The head moves in the same statement (a data-modifying CTE always runs to completion): one round trip.
    await tx.$executeRaw`
      WITH appended AS (${insertSql([{ tenantId, linked }])} RETURNING 1)${also ? Prisma.sql`, also AS (${also})` : Prisma.empty}
      UPDATE audit_heads SET seq = ${linked.head.seq}, hash = ${linked.head.hash} WHERE tenant_id = ${tenantId}::uuid`;
    return linked.events;
  }

  /**
   * Chains staged events after `expected` in one statement (autocommit, no transaction of its own), only if the
   * tenant's head is still `expected` and every one of them is still staged: the head row's update is the
   * compare-and-set (it waits for the head lock and compares with the committed head), and the staged rows are
   * removed and the events inserted only when it matched. Null when it did not (nothing written): the caller
   * falls back to a pass under the head lock. The new head otherwise.
   */
  async chainIfHead(tenantId: string, staged: StagedEvent[], expected: ChainHead): Promise<ChainHead | null> {
    const linked = link(tenantId, staged, expected);
    const ids = staged.map((event) => event.id);
    const [row] = await this.prisma.raw.$queryRaw<{ moved: number }[]>`
      WITH moved AS (
        UPDATE audit_heads SET seq = ${linked.head.seq}, hash = ${linked.head.hash}
        WHERE tenant_id = ${tenantId}::uuid AND seq = ${expected.seq} AND hash = ${expected.hash}
          AND ${countStagedSql(tenantId, ids)} = ${ids.length}::int
        RETURNING 1),
      taken AS (${removeStagedSql(tenantId, ids, Prisma.raw('moved'))}),
      appended AS (${insertSql([{ tenantId, linked }], Prisma.raw('moved'))})
      SELECT count(*)::int AS moved FROM moved`;
    return row.moved === 1 ? linked.head : null;
  }

  /**
   * Locks the tenant's head row (created at genesis if missing) until the transaction ends, and reads it, with
   * whether events were staged when the statement began (see lockHeadSql).
   */
  async lockHead(tx: RawTx, tenantId: string): Promise<LockedHead> {
    let [head] = await tx.$queryRaw<LockedHead[]>(lockHeadSql(tenantId));
    if (!head) {
      await tx.$executeRaw`INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (${tenantId}::uuid, 0, ${GENESIS_HASH})
        ON CONFLICT (tenant_id) DO NOTHING`;
      [head] = await tx.$queryRaw<LockedHead[]>(lockHeadSql(tenantId));
    }
    return head;
  }

  /** Events about one object, oldest first (a grant's timeline). */
  forTarget(tenantId: string, targetType: string, targetId: string): Promise<ChainedEvent[]> {
    return this.prisma.auditEvent.findMany({ where: { tenantId, targetType, targetId }, orderBy: { seq: 'asc' } });
  }

  /** One event by id (webhook bodies are built from a grant event's data). */
  findById(tenantId: string, id: string): Promise<ChainedEvent | null> {
    return this.prisma.auditEvent.findFirst({ where: { tenantId, id } });
  }

  async head(tenantId: string): Promise<ChainHead | null> {
    return this.prisma.auditHead.findUnique({ where: { tenantId }, select: { seq: true, hash: true } });
  }

  async find(tenantId: string, filter: AuditFilter, range: SeqRange): Promise<ChainedEvent[]> {
    const seq = {
      ...(range.after !== undefined && (range.order === 'asc' ? { gt: range.after } : { lt: range.after })),
      ...(range.upTo !== undefined && { lte: range.upTo }),
    };
    return this.prisma.auditEvent.findMany({
      where: {
        tenantId,
        seq,
        action: filter.action,
        actorId: filter.actorId,
        actorType: filter.actorType,
        targetType: filter.targetType,
        targetId: filter.targetId,
        occurredAt: { gte: filter.since, lt: filter.until },
      },
      orderBy: { seq: range.order },
      take: range.limit,
    });
  }
}
