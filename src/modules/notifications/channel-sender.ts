import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { MailerService } from '@/infra/mail/mailer.service';
import { ApprovalTokensService } from '@/modules/approvals/approval-tokens.service';
import { ExtensionRecord, GrantRecord, pendingExtension } from '@/modules/grants/grant.types';
import type { ChainedEvent } from '@/modules/audit/audit-chain';
import type { ChannelRecord } from '@/modules/notification-channels/notification-channel.types';
import { channelEmail } from './email-content';
import { postJson, postSignedWebhook } from './http-sender';
import { approversOfRound, ChannelEvent } from './notification-plan';
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

  /** `audited`: the event's audit event (its data holds the grant as it was then), when there is one. */
  async send(channel: ChannelRecord, grant: GrantRecord, event: ChannelEvent, audited: ChainedEvent | null = null): Promise<void> {
    switch (channel.type) {
      case 'email':
        return this.mailer.send({ to: channel.config.to, ...channelEmail(grant, event) });
      case 'webhook':
        return postSignedWebhook(channel.config.url, channel.secrets.secret, JSON.stringify(webhookEvent(grant, event, audited)), this.outbound);
      case 'slack': {
        const payload =
          event === 'grant.requested' || event === 'grant.extension_requested'
            ? await this.slackRequest(grant, event === 'grant.extension_requested' ? pendingExtension(grant) : null)
            : slackOutcome(grant, event);
        if (payload) await postJson(channel.secrets.url, payload, this.outbound);
      }
    }
  }

  /**
   * Link buttons while the request (or `extension`) waits; once decided, the message without buttons. Null for
   * instant decisions.
   */
  private async slackRequest(grant: GrantRecord, extension: ExtensionRecord | null): Promise<SlackPayload | null> {
    const round = extension?.round ?? 0;
    if ((extension?.approvalGroups ?? grant.approvalGroups).length === 0) return null;
    const pending = extension !== null || grant.status === 'pending_approval';
    const approvers = pending
      ? await Promise.all(
          approversOfRound(grant, round).map(async (approverEmail) => ({
            approverEmail,
            url: (await this.tokens.issue(grant.tenantId, grant.id, approverEmail, 'slack', round)).url,
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
      ...(extension && { extensionSeconds: extension.addedSeconds }),
    });
  }
}

function slackOutcome(grant: GrantRecord, event: Exclude<ChannelEvent, 'grant.requested' | 'grant.extension_requested'>): SlackPayload {
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
