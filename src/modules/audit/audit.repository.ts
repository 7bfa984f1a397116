import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { AuditEventInput, ChainedEvent, eventHash, GENESIS_HASH } from './audit-chain';

@Injectable()
export class AuditRepository {
  /** Appends inside the caller's transaction: the head row lock orders concurrent appends of one tenant. */
  async append(tx: Tx, tenantId: string, input: AuditEventInput): Promise<ChainedEvent> {
    await tx.$executeRaw`INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (${tenantId}::uuid, 0, ${GENESIS_HASH})
      ON CONFLICT (tenant_id) DO NOTHING`;
    const [head] = await tx.$queryRaw<{ seq: bigint; hash: string }[]>`
      SELECT seq, hash FROM audit_heads WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
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
}
