import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { RedisStatus } from '@/infra/redis/redis-status';
import { GRANTS_QUEUE } from '@/modules/grants/grant-jobs';
import { GRANT_STATUSES } from '@/modules/grants/grant-state';
import { NOTIFICATIONS_QUEUE } from '@/modules/notifications/notification-jobs';
import { GrantEffects } from '@/modules/grants/grant-effects';
import { GrantReads } from '@/modules/grants/grant-reads';
import { Metrics } from './metrics.registry';

@Injectable()
export class MetricsService implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly grants: GrantReads,
    private readonly effects: GrantEffects,
    @InjectQueue(GRANTS_QUEUE) private readonly queue: Queue,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly notificationsQueue: Queue,
    private readonly redis: RedisStatus,
  ) {}

  onModuleInit(): void {
    const grants = this.grants;
    const queues = [this.queue, this.notificationsQueue];
    const redis = this.redis;
    new Gauge({
      name: 'grants_by_status',
      help: 'Grants per status, all tenants',
      labelNames: ['status'],
      registers: [this.metrics.registry],
      async collect() {
        // Every status every time: a status that dropped to zero must read 0, not its last count.
        const counts = await grants.countByStatus();
        for (const status of GRANT_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs per queue (grants, notifications) by state; absent while Redis is away',
      labelNames: ['queue', 'state'],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const queue of queues) {
          const counts = await redis.bounded(() => queue.getJobCounts('waiting', 'delayed', 'active', 'failed')).catch(() => null);
          for (const [state, count] of Object.entries(counts ?? {})) this.set({ queue: queue.name, state }, count);
        }
      },
    });
    this.effects.onTransition(({ grant, event, replay }) => {
      if (replay) return;
      this.metrics.transitions.inc({ event });
      if (event === 'grant.expired' && grant.expiresAt && grant.endedAt) {
        this.metrics.expiryLag.observe(Math.max(0, grant.endedAt.getTime() - grant.expiresAt.getTime()) / 1000);
      }
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }
}
