import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobState, Queue } from 'bullmq';
import { RedisStatus, RedisUnavailableError } from '@/infra/redis/redis-status';
import { NotificationJob, NotificationJobs, NOTIFICATIONS_QUEUE } from '@/modules/notifications/notification-jobs';

export type QueueState = JobState | 'unknown';

/** The notifications queue as the delivery rows see it: is a delivery's job there, and put it back. Bounded calls. */
@Injectable()
export class DeliveryQueue {
  constructor(
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<NotificationJob>,
    private readonly jobs: NotificationJobs,
    private readonly redis: RedisStatus,
  ) {}

  /** States of several jobs at once (`unknown`: not in Redis, e.g. after FLUSHALL). */
  states(ids: string[]): Promise<QueueState[]> {
    return this.redis.bounded(() => Promise.all(ids.map((id) => this.queue.getJobState(id))));
  }

  /**
   * Enqueues a job that is in no queue state, due at `runAt`. A partial loss can leave the job's hash without any
   * list or set naming it; BullMQ would ignore the add of that id as a duplicate, so the orphan goes first.
   */
  async restore(id: string, job: NotificationJob, runAt: Date): Promise<void> {
    await this.redis.bounded(() => this.queue.remove(id)).catch((error: unknown) => {
      if (error instanceof RedisUnavailableError) throw error;
      // A job another worker restored and already runs is locked: leave it, the add below is then a no-op.
    });
    await this.jobs.enqueue(job, runAt);
  }

  /** Runs the job now with fresh attempts, whatever state it is in (a running or waiting job is left alone). */
  async runNow(id: string, job: NotificationJob): Promise<void> {
    const [state] = await this.states([id]);
    const existing = state === 'unknown' ? undefined : await this.redis.bounded(() => this.queue.getJob(id));
    if (!existing || state === 'unknown') return this.jobs.enqueue(job, new Date());
    if (state === 'failed') await this.redis.bounded(() => existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }));
    else if (state === 'delayed') await this.redis.bounded(() => existing.promote());
    else if (state === 'completed') {
      await this.redis.bounded(() => existing.remove());
      await this.jobs.enqueue(job, new Date());
    }
  }
}
