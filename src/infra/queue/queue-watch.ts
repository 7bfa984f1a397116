import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue, Worker } from 'bullmq';
import { RedisStatus } from '@/infra/redis/redis-status';

/**
 * Hands every BullMQ queue and worker of the application to RedisStatus, whose `error` listener absorbs their
 * connection errors (without one, BullMQ prints a stack trace per reconnect attempt).
 */
@Injectable()
export class QueueWatch implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly redis: RedisStatus,
  ) {}

  onApplicationBootstrap(): void {
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || seen.has(instance)) continue;
      seen.add(instance);
      if (instance instanceof Queue) this.redis.watch(instance, `queue ${instance.name}`);
      else if (instance instanceof WorkerHost) {
        const worker = instance.worker as Worker;
        this.redis.watch(worker, `worker ${worker.name}`);
      }
    }
  }
}
