import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { DomainError } from '@/common/errors/domain-error';
import { MailerService } from '@/infra/mail/mailer.service';
import { normalizeEmail } from '@/modules/email-lists/emails';
import { ApprovalTokensService } from '@/modules/approvals/approval-tokens.service';
import { GrantRecord, pendingExtension } from '@/modules/grants/grant.types';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { GrantReads } from '@/modules/grants/grant-reads';
import { NotificationChannelsService } from '@/modules/notification-channels/notification-channels.service';
import { ChannelSender } from './channel-sender';
import { DeliveryService, NOTHING_TO_SEND } from './delivery.service';
import { approverEmail, expiringSoonEmail, requesterEmail } from './email-content';
import { NotificationJob, NotificationJobs, notificationId } from './notification-jobs';
import { approversOfRound } from './notification-plan';

type JobOf<K extends NotificationJob['kind']> = Extract<NotificationJob, { kind: K }>;

/**
 * Runs one notification job: re-reads the grant, skips what no longer applies, and sends through deliverOnce
 * under the job's id, so a retried or duplicated job never sends twice.
 */
@Injectable()
export class NotificationHandlers {
  private readonly logger = new Logger('NotificationHandlers');

  constructor(
    private readonly grants: GrantReads,
    private readonly channels: NotificationChannelsService,
    private readonly deliveries: DeliveryService,
    private readonly mailer: MailerService,
    private readonly tokens: ApprovalTokensService,
    private readonly channelSender: ChannelSender,
    private readonly jobs: NotificationJobs,
    private readonly audit: AuditRepository,
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
    const round = job.round ?? 0;
    if (!awaits(grant, job.recipient, round)) return false;
    const extension = round > 0 ? grant.extensions.find((e) => e.round === round) ?? null : null;
    const outcome = await this.deliveries.deliverOnce(job.tenantId, notificationId(job), reminder ? 'email.reminder' : 'email.approver', async () => {
      // Issued inside the delivery, and only once the server answers: a new link replaces the approver's previous
      // one, so issuing it for an email that cannot go out would break a link that works.
      await this.mailer.verify();
      const link = await this.tokens.issue(job.tenantId, grant.id, job.recipient, 'email', round).catch((error: unknown): typeof NOTHING_TO_SEND => {
        // Decided (or cancelled) since the grant was read above: nothing to ask for, which is not a failed send.
        if (error instanceof DomainError && error.code === 'invalid_state') return NOTHING_TO_SEND;
        throw error;
      });
      if (link === NOTHING_TO_SEND) return link;
      await this.mailer.send({ to: job.recipient, ...approverEmail(grant, link, reminder, extension) });
    });
    return outcome !== 'skipped';
  }

  /** Reminds, then schedules the next reminder while the round can still be decided. */
  private async reminder(grant: GrantRecord, job: JobOf<'reminder'>): Promise<void> {
    if (!(await this.approverLink(grant, job, true))) return;
    const next = new Date(Date.now() + this.config.reminderIntervalSeconds * 1000);
    const deadline = job.round ? grant.extensions.find((e) => e.round === job.round)?.approvalDeadline ?? null : grant.approvalDeadline;
    if (deadline !== null && next >= deadline) return;
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
    const channel = await this.channels.findForSending(job.tenantId, job.channelId);
    if (!channel || !channel.eventFilters.includes(job.event)) {
      this.logger.log({ grantId: grant.id, channelId: job.channelId, event: job.event }, 'channel gone or no longer subscribed: skipped');
      return;
    }
    const event = job.eventId ? await this.audit.findById(job.tenantId, job.eventId) : null;
    await this.deliveries.deliverOnce(job.tenantId, notificationId(job), `${channel.type}.event`, () => this.channelSender.send(channel, grant, job.event, event));
  }
}

/** Whether `email` still has a decision to make in approval round `round` (0: the request; n: an extension). */
function awaits(grant: GrantRecord, email: string, round: number): boolean {
  const approver = normalizeEmail(email);
  if (round === 0) {
    if (grant.status !== 'pending_approval') return false;
    if (grant.approvalDeadline !== null && grant.approvalDeadline <= new Date()) return false;
    return approversOfRound(grant, 0).includes(approver) && !grant.approvals.some((a) => normalizeEmail(a.approverEmail) === approver);
  }
  const extension = pendingExtension(grant);
  if (extension?.round !== round) return false;
  return approversOfRound(grant, round).includes(approver) && !extension.approvals.some((a) => normalizeEmail(a.approverEmail) === approver);
}
