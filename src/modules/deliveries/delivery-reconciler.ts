import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { RedisStatus } from '@/infra/redis/redis-status';
import { DeliveryRepository } from '@/modules/notifications/delivery.repository';
import type { NotificationJob } from '@/modules/notifications/notification-jobs';
import { DeliveryQueue } from './delivery-queue';

const BATCH = 500;
const CHUNK = 50;

/**
 * Worker processes, every SWEEP_INTERVAL_SECONDS: a delivery still owed (pending, or failed and retrying) whose job
 * was due more than one interval ago and is no longer in Redis (FLUSHALL, a lost Redis, a crash between the row and
 * the enqueue) is enqueued again under the same job id. Workers may run it concurrently: BullMQ ignores a second add
 * of a queued id, and deliverOnce never sends twice. So a notification is never lost while PostgreSQL keeps its data.
 */
@Injectable()
export class DeliveryReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryReconciler');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly queue: DeliveryQueue,
    private readonly redis: RedisStatus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; answers how many deliveries were enqueued again. */
  async reconcile(now = new Date()): Promise<number> {
    const owed = await this.deliveries.findOwed(new Date(now.getTime() - this.config.sweepIntervalSeconds * 1000), BATCH);
    let restored = 0;
    for (let i = 0; i < owed.length; i += CHUNK) {
      const chunk = owed.slice(i, i + CHUNK);
      const states = await this.queue.states(chunk.map((d) => d.id));
      for (const [j, delivery] of chunk.entries()) {
        if (states[j] !== 'unknown') continue;
        await this.queue.restore(delivery.id, delivery.job as unknown as NotificationJob, delivery.runAt ?? now);
        restored += 1;
      }
    }
    if (restored > 0) this.logger.warn({ restored }, 'enqueued owed notifications again that Redis had lost');
    return restored;
  }

  private async tick(): Promise<void> {
    if (this.running || !this.redis.isUp()) return;
    this.running = true;
    try {
      await this.reconcile();
    } catch (error) {
      if (this.redis.isUp()) this.logger.error({ err: error }, 'reconciling deliveries failed; the next interval tries again');
    } finally {
      this.running = false;
    }
  }
}
