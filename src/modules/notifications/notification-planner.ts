import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { RedisUnavailableError } from '@/infra/redis/redis-status';
import { GrantChange, GrantEffects } from '@/modules/grants/grant-effects';
import type { GrantRecord } from '@/modules/grants/grant.types';
import { NotificationChannelsService } from '@/modules/notification-channels/notification-channels.service';
import { NotificationJob, NotificationJobs } from './notification-jobs';
import { expiryNoticeAt, planTransition } from './notification-plan';
import { PolicyReads } from '@/modules/policies/policy-reads';

/** Turns each committed grant transition into notification jobs; runs in every process that changes grants. */
@Injectable()
export class NotificationPlanner implements OnModuleInit {
  private readonly logger = new Logger('NotificationPlanner');

  constructor(
    private readonly effects: GrantEffects,
    private readonly jobs: NotificationJobs,
    private readonly channels: NotificationChannelsService,
    private readonly policies: PolicyReads,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.effects.onTransition((change) => this.enqueue(change));
  }

  /** Never throws: the transition is committed whatever happens here. False (and logged) when enqueueing failed. */
  async enqueue(change: GrantChange): Promise<boolean> {
    const { grant, event, auditEventId } = change;
    try {
      const { tenantId, id: grantId } = grant;
      const plan = planTransition(grant, event);
      const round = plan.round || undefined;
      const jobs: NotificationJob[] = [
        ...plan.approvers.map((recipient): NotificationJob => ({ kind: 'approver_link', tenantId, grantId, recipient, round })),
        ...(plan.requesterEvent ? [{ kind: 'requester', tenantId, grantId, event: plan.requesterEvent } as const] : []),
      ];
      const channel = plan.channelEvents.length > 0 ? await this.channelOf(grant) : null;
      if (channel) {
        for (const channelEvent of plan.channelEvents) {
          if (channel.eventFilters.includes(channelEvent)) jobs.push({ kind: 'channel_event', tenantId, grantId, channelId: channel.id, event: channelEvent, eventId: auditEventId });
        }
      }
      await this.jobs.addAll(jobs);
      // Counted from the request (or the extension), so a repeated run of this listener schedules the same reminder.
      const extension = round ? grant.extensions.find((e) => e.round === round) : undefined;
      const askedAt = extension?.createdAt ?? grant.createdAt;
      const deadline = extension?.approvalDeadline ?? grant.approvalDeadline;
      const firstReminder = new Date(askedAt.getTime() + this.config.reminderIntervalSeconds * 1000);
      if (deadline === null || firstReminder < deadline) {
        for (const recipient of plan.approvers) await this.jobs.add({ kind: 'reminder', tenantId, grantId, recipient, n: 1, round }, firstReminder);
      }
      const noticeAt = plan.scheduleExpiryNotice && grant.requesterEmail ? expiryNoticeAt(grant, this.config.expiryNoticeLeadSeconds, new Date()) : null;
      if (noticeAt && grant.expiresAt) {
        await this.jobs.add({ kind: 'expiring_soon', tenantId, grantId, expiresAtMs: grant.expiresAt.getTime() }, noticeAt);
      }
      return true;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) this.logger.error({ err: error, grantId: grant.id, event }, 'could not enqueue notifications; the sweep will retry');
      return false;
    }
  }

  private async channelOf(grant: GrantRecord) {
    if (!grant.policyId) return null;
    const settings = await this.policies.notificationSettings(grant.tenantId, grant.policyId);
    if (!settings?.channelName) return null;
    return this.channels.findByNameForSending(grant.tenantId, settings.channelName);
  }
}
