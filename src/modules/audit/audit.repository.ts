import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { AuditEventInput, ChainedEvent, ChainHead, eventHash, GENESIS_HASH } from './audit-chain';

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
    const lockHead = () => tx.$queryRaw<{ seq: bigint; hash: string }[]>`
      SELECT seq, hash FROM audit_heads WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
    let [head] = await lockHead();
    if (!head) {
      await tx.$executeRaw`INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (${tenantId}::uuid, 0, ${GENESIS_HASH})
        ON CONFLICT (tenant_id) DO NOTHING`;
      [head] = await lockHead();
    }
    const unhashed = {
      id: randomUUID(),
      tenantId,
      seq: head.seq + 1n,
      occurredAt: new Date(),
      actorType: input.actor.type,
      actorId: input.actor.id,
      actorEmail: input.actor.email ?? null,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      data: JSON.parse(JSON.stringify(input.data)) as unknown,
    };
    const event: ChainedEvent = { ...unhashed, prevHash: head.hash, hash: eventHash(head.hash, unhashed) };
    await tx.auditEvent.create({ data: { ...event, data: event.data as object } });
    await tx.$executeRaw`UPDATE audit_heads SET seq = ${event.seq}, hash = ${event.hash}
      WHERE tenant_id = ${tenantId}::uuid`;
    return event;
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
