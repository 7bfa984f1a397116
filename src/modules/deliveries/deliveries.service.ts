import { Injectable } from '@nestjs/common';
import { conflict, invalidState, notFound } from '@/common/errors/domain-error';
import { decodeCursor, pageSize, toPage } from '@/common/http/pagination';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { DeliveryRepository, DeliveryRow } from '@/modules/notifications/delivery.repository';
import type { NotificationJob } from '@/modules/notifications/notification-jobs';
import { DeliveryQueue } from './delivery-queue';
import type { DeliveryPageResponse, DeliveryResponse, RedeliveryResponse } from './dto/delivery.response';
import type { ListDeliveriesQuery } from './dto/list-deliveries.dto';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

function toResponse(row: DeliveryRow): DeliveryResponse {
  const job = row.job as { grantId?: unknown } | null;
  return {
    id: row.uid,
    key: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    last_error: row.lastError,
    grant_id: typeof job?.grantId === 'string' ? job.grantId : null,
    created_at: row.createdAt.toISOString(),
    run_at: iso(row.runAt),
    sent_at: iso(row.sentAt),
  };
}

/** `GET /v1/deliveries` and `POST /v1/deliveries/{id}/redeliver` (PRODUCT.md section 3). */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: DeliveryRepository,
    private readonly audit: AuditRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(tenantId: string, query: ListDeliveriesQuery): Promise<DeliveryPageResponse> {
    const limit = pageSize(query);
    const rows = await this.deliveries.list(tenantId, query.status, limit, decodeCursor(query.cursor));
    return toPage(
      rows.map((row) => ({ createdAt: row.createdAt, id: row.uid, row })),
      limit,
      (entry) => toResponse(entry.row),
    );
  }

  /**
   * A failed delivery runs again now with fresh retries: its failed job is retried, or enqueued again if Redis lost
   * it. Audited as `delivery.redelivered`. `409 invalid_state` for a delivery that did not fail; `503` while Redis
   * is away.
   */
  async redeliver(tenantId: string, uid: string, actor: Actor): Promise<RedeliveryResponse> {
    const row = await this.deliveries.findByUid(tenantId, uid);
    if (!row) throw notFound('Delivery');
    if (row.status !== 'failed') throw invalidState(`The delivery is ${row.status}: only a failed delivery can be redelivered`, { status: row.status });
    if (row.job === null) throw conflict('This delivery was recorded without its job and cannot be redelivered');
    await this.queue.runNow(row.id, row.job as unknown as NotificationJob);
    await this.prisma.$transaction((tx) =>
      this.audit.append(tx, tenantId, { actor, action: 'delivery.redelivered', targetType: 'delivery', targetId: uid, data: { key: row.id, kind: row.kind } }),
    );
    return { id: uid, status: 'queued' };
  }
}
