import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { MailerService } from '@/infra/mail/mailer.service';
import { ApprovalTokensService } from '@/modules/approvals/approval-tokens.service';
import type { GrantRecord } from '@/modules/grants/grant.types';
import type { ChannelRecord } from '@/modules/notification-channels/notification-channel.types';
import { channelEmail } from './email-content';
import { postJson, postSignedWebhook } from './http-sender';
import { approversOf, ChannelEvent } from './notification-plan';
import { NotificationsRepository } from './notifications.repository';
import { SlackOutcome, slackOutcomeMessage, SlackPayload, slackRequestMessage } from './slack-message';
import { webhookEvent } from './webhook-event';

/** Sends one event to one channel; throws on failure so that the job retries. */
@Injectable()
export class ChannelSender {
  constructor(
    private readonly mailer: MailerService,
    private readonly tokens: ApprovalTokensService,
    private readonly policies: NotificationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get outbound() {
    return { timeoutMs: this.config.webhookTimeoutMs, allowPrivateAddresses: this.config.webhookAllowPrivateAddresses };
  }

  async send(channel: ChannelRecord, grant: GrantRecord, event: ChannelEvent): Promise<void> {
    switch (channel.type) {
      case 'email':
        return this.mailer.send({ to: channel.config.to, ...channelEmail(grant, event) });
      case 'webhook':
        return postSignedWebhook(channel.config.url, channel.secrets.secret, JSON.stringify(webhookEvent(grant, event)), this.outbound);
      case 'slack': {
        const payload = event === 'grant.requested' ? await this.slackRequest(grant) : slackOutcome(grant, event);
        if (payload) await postJson(channel.secrets.url, payload, this.outbound);
      }
    }
  }

  /** Link buttons while the request waits; once decided, the request without buttons. Null for instant decisions. */
  private async slackRequest(grant: GrantRecord): Promise<SlackPayload | null> {
    if (grant.approvalGroups.length === 0) return null;
    const pending = grant.status === 'pending_approval';
    const approvers = pending
      ? await Promise.all(
          approversOf(grant).map(async (approverEmail) => ({
            approverEmail,
            url: (await this.tokens.issue(grant.tenantId, grant.id, approverEmail, 'slack')).url,
          })),
        )
      : [];
    const policy = grant.policyId ? await this.policies.policySettings(grant.tenantId, grant.policyId) : null;
    return slackRequestMessage({
      grantId: grant.id,
      principal: grant.principal,
      requesterEmail: grant.requesterEmail,
      action: grant.action,
      resource: grant.resource,
      durationSeconds: grant.durationSeconds,
      justification: grant.justification,
      policyName: policy?.policyName ?? '(deleted policy)',
      approvers,
    });
  }
}

function slackOutcome(grant: GrantRecord, event: Exclude<ChannelEvent, 'grant.requested'>): SlackPayload {
  const outcome = event.slice('grant.'.length) as SlackOutcome;
  const deciding =
    event === 'grant.denied'
      ? grant.approvals.find((a) => a.decision === 'deny')
      : event === 'grant.approved'
        ? grant.approvals.filter((a) => a.decision === 'approve').at(-1)
        : undefined;
  return slackOutcomeMessage({
    grantId: grant.id,
    principal: grant.principal,
    action: grant.action,
    resource: grant.resource,
    outcome,
    by: deciding?.approverEmail ?? null,
    comment: deciding?.comment ?? (event === 'grant.denied' ? grant.endedReason : null),
    expiresAt: event === 'grant.activated' || event === 'grant.approved' ? grant.expiresAt : null,
  });
}
