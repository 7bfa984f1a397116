import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { RedisStatus } from '@/infra/redis/redis-status';
import { DeliveryRepository, PlannedDelivery } from './delivery.repository';
import type { ChannelEvent, RequesterEvent } from './notification-plan';

export const NOTIFICATIONS_QUEUE = 'notifications';

/** Ids only: handlers re-read the grant and the channel, so a job never sends stale or secret data it carried. */
export type NotificationJob =
  | { kind: 'approver_link'; tenantId: string; grantId: string; recipient: string; round?: number }
  | { kind: 'reminder'; tenantId: string; grantId: string; recipient: string; n: number; round?: number }
  | { kind: 'requester'; tenantId: string; grantId: string; event: RequesterEvent }
  | { kind: 'expiring_soon'; tenantId: string; grantId: string; expiresAtMs: number }
  /** `eventId`: the audit event holding the grant as it was at the event (the webhook body is built from it). */
  | { kind: 'channel_event'; tenantId: string; grantId: string; channelId: string; event: ChannelEvent; eventId?: string | null };

/** The notifications queue's jobs by name (the job's `kind`): one map, one handler each (JobRegistry checks it). */
export type NotificationQueueJobs = { [K in NotificationJob['kind']]: Extract<NotificationJob, { kind: K }> };
export const NOTIFICATION_JOB_NAMES = ['approver_link', 'reminder', 'requester', 'expiring_soon', 'channel_event'] as const satisfies readonly (keyof NotificationQueueJobs)[];

/** Events that can happen more than once to a grant: their job ids carry the audit event id. */
const REPEATABLE: readonly ChannelEvent[] = ['grant.extension_requested', 'grant.extended', 'grant.extension_denied', 'grant.extension_timed_out'];

const roundPart = (round: number | undefined): string => (round ? `/r${round}` : '');

/**
 * The deterministic id of a job, also used as its delivery id (deliverOnce). BullMQ refuses ":" in custom job ids
 * (other than its own three-part form), hence "/".
 */
export function notificationId(job: NotificationJob): string {
  switch (job.kind) {
    case 'approver_link':
      return `notify/${job.grantId}${roundPart(job.round)}/approver/${job.recipient}/email`;
    case 'reminder':
      return `remind/${job.grantId}${roundPart(job.round)}/${job.recipient}/${job.n}`;
    case 'requester':
      return `notify/${job.grantId}/requester/${job.event}`;
    case 'expiring_soon':
      return `expiring/${job.grantId}/${job.expiresAtMs}`;
    case 'channel_event':
      return REPEATABLE.includes(job.event) && job.eventId
        ? `notify/${job.grantId}/event/${job.event}/${job.eventId}/channel/${job.channelId}`
        : `notify/${job.grantId}/event/${job.event}/channel/${job.channelId}`;
  }
}

/** About 17 minutes of retries (1 s, 2 s, ... 512 s); failed jobs stay in the queue's failed set. */
export const NOTIFICATION_RETRY: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

/** The delivery kind a job is planned under; deliverOnce refines it when it sends (a channel's type). */
const PLANNED_KIND: Record<NotificationJob['kind'], string> = {
  approver_link: 'email.approver',
  reminder: 'email.reminder',
  requester: 'email.requester',
  expiring_soon: 'email.expiring',
  channel_event: 'channel.event',
};

export const plannedDelivery = (job: NotificationJob, runAt: Date): PlannedDelivery => ({
  id: notificationId(job),
  tenantId: job.tenantId,
  kind: PLANNED_KIND[job.kind],
  job: { ...job },
  runAt,
});

/**
 * Enqueues notification jobs, each after writing its delivery row (status `pending`, with the job): PostgreSQL, not
 * Redis, remembers what is owed, so a flushed or lost Redis delays notifications (DeliveryReconciler enqueues them
 * again) instead of losing them. Redis calls are bounded (RedisStatus): while Redis is away they fail at once.
 */
@Injectable()
export class NotificationJobs {
  constructor(
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<NotificationJob>,
    private readonly redis: RedisStatus,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /** A second add with the same id while the first is queued or failed is ignored by BullMQ; deliverOnce covers the rest. */
  async add(job: NotificationJob, at?: Date): Promise<void> {
    const runAt = at ?? new Date();
    await this.deliveries.plan([plannedDelivery(job, runAt)]);
    await this.enqueue(job, runAt);
  }

  async addAll(jobs: NotificationJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const now = new Date();
    await this.deliveries.plan(jobs.map((job) => plannedDelivery(job, now)));
    await this.redis.bounded(() => this.queue.addBulk(jobs.map((job) => ({ name: job.kind, data: job, opts: { ...NOTIFICATION_RETRY, jobId: notificationId(job) } }))));
  }

  /** Only the queue side, for a delivery whose row exists (reconciling, redelivering). */
  async enqueue(job: NotificationJob, runAt: Date): Promise<void> {
    const delay = Math.max(0, runAt.getTime() - Date.now());
    await this.redis.bounded(() => this.queue.add(job.kind, job, { ...NOTIFICATION_RETRY, jobId: notificationId(job), delay }));
  }
}
