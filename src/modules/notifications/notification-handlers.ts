import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { MailerService } from '@/infra/mail/mailer.service';
import { normalizeEmail } from '@/modules/approvals/approval-rules';
import { ApprovalTokensService } from '@/modules/approvals/approval-tokens.service';
import type { GrantRecord } from '@/modules/grants/grant.types';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { NotificationChannelsRepository } from '@/modules/notification-channels/notification-channels.repository';
import { ChannelSender } from './channel-sender';
import { DeliveryService } from './delivery.service';
import { approverEmail, expiringSoonEmail, requesterEmail } from './email-content';
import { NotificationJob, NotificationJobs, notificationId } from './notification-jobs';
import { approversOf } from './notification-plan';

type JobOf<K extends NotificationJob['kind']> = Extract<NotificationJob, { kind: K }>;

/**
 * Runs one notification job: re-reads the grant, skips what no longer applies, and sends through deliverOnce
 * under the job's id, so a retried or duplicated job never sends twice.
 */
@Injectable()
export class NotificationHandlers {
  private readonly logger = new Logger('NotificationHandlers');

  constructor(
    private readonly grants: GrantsRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly deliveries: DeliveryService,
    private readonly mailer: MailerService,
    private readonly tokens: ApprovalTokensService,
    private readonly channelSender: ChannelSender,
    private readonly jobs: NotificationJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: NotificationJob): Promise<void> {
    const grant = await this.grants.find(job.tenantId, job.grantId);
    if (!grant) return;
    switch (job.kind) {
      case 'approver_link':
        await this.approverLink(grant, job, false);
        return;
      case 'reminder':
        return this.reminder(grant, job);
      case 'requester':
        return this.requester(grant, job);
      case 'expiring_soon':
        return this.expiringSoon(grant, job);
      case 'channel_event':
        return this.channelEvent(grant, job);
    }
  }

  private async approverLink(grant: GrantRecord, job: JobOf<'approver_link'> | JobOf<'reminder'>, reminder: boolean): Promise<boolean> {
    if (!awaits(grant, job.recipient)) return false;
    await this.deliveries.deliverOnce(job.tenantId, notificationId(job), reminder ? 'email.reminder' : 'email.approver', async () => {
      // Issued inside the delivery, and only once the server answers: a new link replaces the approver's previous
      // one, so issuing it for an email that cannot go out would break a link that works.
      await this.mailer.verify();
      const link = await this.tokens.issue(job.tenantId, grant.id, job.recipient, 'email');
      await this.mailer.send({ to: job.recipient, ...approverEmail(grant, link, reminder) });
    });
    return true;
  }

  /** Reminds, then schedules the next reminder while the request can still be decided. */
  private async reminder(grant: GrantRecord, job: JobOf<'reminder'>): Promise<void> {
    if (!(await this.approverLink(grant, job, true))) return;
    const next = new Date(Date.now() + this.config.reminderIntervalSeconds * 1000);
    if (grant.approvalDeadline !== null && next >= grant.approvalDeadline) return;
    await this.jobs.add({ ...job, n: job.n + 1 }, next);
  }

  private async requester(grant: GrantRecord, job: JobOf<'requester'>): Promise<void> {
    const to = grant.requesterEmail;
    if (!to) return;
    await this.deliveries.deliverOnce(job.tenantId, notificationId(job), 'email.requester', () => this.mailer.send({ to, ...requesterEmail(grant, job.event) }));
  }

  private async expiringSoon(grant: GrantRecord, job: JobOf<'expiring_soon'>): Promise<void> {
    const to = grant.requesterEmail;
    if (!to || grant.status !== 'active' || grant.expiresAt?.getTime() !== job.expiresAtMs) return;
    await this.deliveries.deliverOnce(job.tenantId, notificationId(job), 'email.expiring', () => this.mailer.send({ to, ...expiringSoonEmail(grant) }));
  }

  private async channelEvent(grant: GrantRecord, job: JobOf<'channel_event'>): Promise<void> {
    const channel = await this.channels.find(job.tenantId, job.channelId);
    if (!channel || !channel.eventFilters.includes(job.event)) {
      this.logger.log({ grantId: grant.id, channelId: job.channelId, event: job.event }, 'channel gone or no longer subscribed: skipped');
      return;
    }
    await this.deliveries.deliverOnce(job.tenantId, notificationId(job), `${channel.type}.event`, () => this.channelSender.send(channel, grant, job.event));
  }
}

/** Whether `email` still has a decision to make on this request. */
function awaits(grant: GrantRecord, email: string): boolean {
  if (grant.status !== 'pending_approval') return false;
  if (grant.approvalDeadline !== null && grant.approvalDeadline <= new Date()) return false;
  const approver = normalizeEmail(email);
  return approversOf(grant).includes(approver) && !grant.approvals.some((a) => normalizeEmail(a.approverEmail) === approver);
}
