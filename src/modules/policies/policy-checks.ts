import { Injectable } from '@nestjs/common';
import { validateAgainstSchema } from '@/infra/cedar/cedar-checks';
import type { Tx } from '@/infra/prisma/prisma.service';
import { invalidInput } from '@/common/errors/domain-error';
import { CedarSchemaRepository } from '@/modules/cedar-schema/cedar-schema.repository';
import { EmailListsRepository } from '@/modules/email-lists/email-lists.repository';
import { NotificationChannelsRepository } from '@/modules/notification-channels/notification-channels.repository';
import { memberCount } from '@/modules/decisions/approval-groups';
import { checkSettings } from './policy-settings';
import type { PolicySettings } from './policy.types';

/** Checks a policy needs against the tenant's state, inside the transaction that writes it. */
@Injectable()
export class PolicyChecks {
  constructor(
    private readonly schemas: CedarSchemaRepository,
    private readonly lists: EmailListsRepository,
    private readonly channels: NotificationChannelsRepository,
  ) {}

  settings(settings: PolicySettings): void {
    const errors = checkSettings(settings);
    if (errors.length > 0) throw invalidInput(errors[0].message, { field: errors[0].field, errors });
  }

  /**
   * Named email lists and channel must exist; they stay share-locked until the transaction ends. A group must be
   * able to draw on at least `approvals_needed` people (its addresses and its list's members).
   */
  async references(tx: Tx, tenantId: string, settings: PolicySettings): Promise<void> {
    const listIds = settings.approvalGroups.map((group) => group.email_list_uuid).filter((id): id is string => id !== null);
    const found = listIds.length > 0 ? await this.lists.lockExisting(tx, tenantId, listIds) : new Set<string>();
    const missing = settings.approvalGroups.findIndex((group) => group.email_list_uuid !== null && !found.has(group.email_list_uuid));
    if (missing >= 0) {
      const field = `approval_groups[${missing}].email_list_uuid`;
      throw invalidInput(`${field} names no email list of this tenant`, { field });
    }
    const members = listIds.length > 0 ? await this.lists.emailsOf(tenantId, listIds) : new Map<string, string[]>();
    const short = settings.approvalGroups.findIndex((group) => memberCount(group, group.email_list_uuid ? members.get(group.email_list_uuid) : []) < group.approvals_needed);
    if (short >= 0) {
      const group = settings.approvalGroups[short];
      const field = `approval_groups[${short}].approvals_needed`;
      throw invalidInput(`approval_groups[${short}] needs ${group.approvals_needed} approvals but can draw on only ${memberCount(group, group.email_list_uuid ? members.get(group.email_list_uuid) : [])} approvers`, { field });
    }
    const channel = settings.notificationChannel;
    if (channel !== null && !(await this.channels.lockByName(tx, tenantId, channel))) {
      throw invalidInput(`notification_channel "${channel}" names no notification channel of this tenant`, { field: 'notification_channel' });
    }
  }

  /** When the tenant has a Cedar schema, the rules must validate against it (strict mode). */
  async schema(tx: Tx, tenantId: string, rules: { id: string; policyText: string }[], fieldOf: (ruleId: string) => string): Promise<void> {
    if (rules.length === 0) return;
    const stored = await this.schemas.find(tenantId, tx);
    if (!stored) return;
    const { schemaErrors, byRule } = validateAgainstSchema(stored.schema, rules.map((rule) => ({ id: rule.id, text: rule.policyText })));
    if (schemaErrors.length > 0) throw invalidInput('The tenant\'s Cedar schema could not be used', undefined, schemaErrors);
    if (byRule.size === 0) return;
    const offending = [...byRule.entries()].map(([id, messages]) => ({ field: fieldOf(id), rule_id: id, messages }));
    throw invalidInput(
      `${offending[0].field} does not conform to the tenant's Cedar schema`,
      { field: offending[0].field, rules: offending },
      offending.flatMap((rule) => rule.messages),
    );
  }
}
