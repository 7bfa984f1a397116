import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { GRANTS_QUEUE } from '@/modules/grants/grant-jobs';
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
  ) {}

  onModuleInit(): void {
    const grants = this.grants;
    const queue = this.queue;
    new Gauge({
      name: 'grants_by_status',
      help: 'Grants per status, all tenants',
      labelNames: ['status'],
      registers: [this.metrics.registry],
      async collect() {
        for (const [status, count] of Object.entries(await grants.countByStatus())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in the grants queue by state',
      labelNames: ['queue', 'state'],
      registers: [this.metrics.registry],
      async collect() {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
        for (const [state, count] of Object.entries(counts)) this.set({ queue: GRANTS_QUEUE, state }, count);
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
