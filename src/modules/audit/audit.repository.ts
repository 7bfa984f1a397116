import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
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

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Appends inside the caller's transaction: the head row lock orders concurrent appends of one tenant. */
  async append(tx: Tx, tenantId: string, input: AuditEventInput): Promise<ChainedEvent> {
    const [event] = await this.appendMany(tx, tenantId, [input]);
    return event;
  }

  /** Several events under one head lock, chained in order (bulk expiry). */
  async appendMany(tx: Tx, tenantId: string, inputs: AuditEventInput[]): Promise<ChainedEvent[]> {
    const occurredAt = new Date();
    return this.chain(tx, tenantId, inputs.map((input) => ({ ...input, id: randomUUID(), occurredAt })));
  }

  /**
   * Appends events that already have their id and time (staged ones, audit-chainer.ts) after the tenant's head, in
   * the given order, under the head row lock, which it holds until the caller's transaction ends. `locked`: the
   * head as the caller's lockHead returned it in this transaction.
   */
  async chain(tx: Tx, tenantId: string, inputs: StagedEvent[], locked?: ChainHead): Promise<ChainedEvent[]> {
    if (inputs.length === 0) return [];
    let { seq, hash } = locked ?? (await this.lockHead(tx, tenantId));
    // Serialised once: the hash is over the data as PostgreSQL will hand it back, and the insert sends the same text.
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
    // One statement with one array per column: the cost no longer grows with a query built per row (500-event batches).
    const column = <T>(pick: (event: ChainedEvent) => T) => events.map(pick);
    // The head moves in the same statement (a data-modifying CTE always runs to completion): one round trip.
    await tx.$executeRaw`
      WITH appended AS (
      INSERT INTO audit_events (id, tenant_id, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash)
      SELECT id, ${tenantId}::uuid, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash
      FROM unnest(${column((e) => e.id)}::uuid[], ${column((e) => e.seq.toString())}::bigint[], ${column((e) => e.occurredAt.toISOString())}::timestamptz[],
        ${column((e) => e.actorType)}::text[], ${column((e) => e.actorId)}::text[], ${column((e) => e.actorEmail)}::text[], ${column((e) => e.action)}::text[],
        ${column((e) => e.targetType)}::text[], ${column((e) => e.targetId)}::text[], ${json}::jsonb[],
        ${column((e) => e.prevHash)}::text[], ${column((e) => e.hash)}::text[])
        AS e(id, seq, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, prev_hash, hash)
      RETURNING 1)
      UPDATE audit_heads SET seq = ${seq}, hash = ${hash} WHERE tenant_id = ${tenantId}::uuid`;
    return events;
  }

  /** Locks the tenant's head row (created at genesis if missing) until the transaction ends, and reads it. */
  async lockHead(tx: Tx, tenantId: string): Promise<ChainHead> {
    const lock = () => tx.$queryRaw<ChainHead[]>`SELECT seq, hash FROM audit_heads WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
    let [head] = await lock();
    if (!head) {
      await tx.$executeRaw`INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (${tenantId}::uuid, 0, ${GENESIS_HASH})
        ON CONFLICT (tenant_id) DO NOTHING`;
      [head] = await lock();
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
