import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '@/modules/metrics/metrics.registry';
import { allowLongTransaction, PrismaService } from '@/infra/prisma/prisma.service';
import { DeliveryRepository } from './delivery.repository';

/** Longer than any send may take (SMTP and webhook timeouts are far shorter), plus the wait for a concurrent one. */
const TRANSACTION_TIMEOUT_MS = 120_000;

export type DeliveryOutcome = 'sent' | 'already_sent' | 'skipped';

/** What `send` resolves with when it found, while sending, that there was nothing left to send. */
export const NOTHING_TO_SEND = 'skipped';

type Attempt = { outcome: DeliveryOutcome } | { outcome: 'failed'; error: unknown };

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('DeliveryService');

  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: DeliveryRepository,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Runs `send` unless the delivery `deliveryId` (deterministic, e.g.
   * `grant:<id>:event:grant.activated:channel:<channelId>`) was already sent; records the attempt either way and
   * rethrows a failure so that the job retries. `send` resolving NOTHING_TO_SEND marks the delivery skipped.
   *
   * Two workers running the same delivery: the row lock is held for the whole send, so the second waits and then
   * sees `sent` (or, if the first failed, tries again itself). A lock rather than a `sending` claim flag because
   * PostgreSQL releases a lock when its holder dies, while a flag left by a crashed worker would need a lease
   * timestamp (the table has none) to ever be retried. The price is one pooled connection per send in flight,
   * bounded by the send timeouts. A crash after the receiver accepted but before the commit means one more send
   * on retry: delivery is at least once.
   */
  async deliverOnce(tenantId: string, deliveryId: string, kind: string, send: () => Promise<void | typeof NOTHING_TO_SEND>): Promise<DeliveryOutcome> {
    const attempt = await this.prisma.$transaction(
      async (tx): Promise<Attempt> => {
        // The send happens inside this transaction: allow it (and a concurrent sender's wait for the row) the
        // transaction's own bound instead of the session-wide idle and lock timeouts.
        await allowLongTransaction(tx, TRANSACTION_TIMEOUT_MS);
        const delivery = await this.deliveries.lock(tx, tenantId, deliveryId, kind);
        if (!delivery) throw new Error(`Delivery ${deliveryId} belongs to another tenant`);
        if (delivery.status === 'sent') return { outcome: 'already_sent' };
        let sent: void | typeof NOTHING_TO_SEND;
        try {
          sent = await send();
        } catch (error) {
          await this.deliveries.markFailed(tx, tenantId, deliveryId, errorText(error));
          return { outcome: 'failed', error };
        }
        if (sent === NOTHING_TO_SEND) {
          await this.deliveries.markSkipped(tx, tenantId, deliveryId);
          return { outcome: 'skipped' };
        }
        await this.deliveries.markSent(tx, tenantId, deliveryId);
        return { outcome: 'sent' };
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
    );
    this.metrics.deliveries.inc({ kind, outcome: attempt.outcome });
    if (attempt.outcome === 'failed') {
      this.logger.warn({ delivery_id: deliveryId, kind, reason: errorText(attempt.error) }, 'delivery failed; it will be retried (GET /v1/deliveries?status=failed)');
      throw attempt.error;
    }
    return attempt.outcome;
  }
}
