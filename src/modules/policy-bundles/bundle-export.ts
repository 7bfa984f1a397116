import { RuleRecord, toRuleView } from '@/modules/policies/policy.types';
import type { LiveState } from './bundle-draft';

/** A rule as the API shows it, without what the service assigns (id, text, creation time). */
function ruleExport(rule: RuleRecord) {
  const { id: _id, policy_text: _text, created_at: _created, ...rest } = toRuleView(rule);
  return rest;
}

/**
 * PRODUCT.md section 17: the live state as a bundle that applies as a no-op. Objects are named, never numbered;
 * approval groups name their list by `email_list`; channel secrets are left out (applying keeps them).
 */
export function exportBundle(live: LiveState): Record<string, unknown> {
  const listNames = new Map(live.lists.map((list) => [list.id, list.name]));
  return {
    version: 1,
    policies: live.policies.map((policy) => ({
      name: policy.name,
      description: policy.description,
      enabled: policy.enabled,
      priority: policy.priority,
      max_duration_seconds: policy.maxDurationSeconds,
      default_duration_seconds: policy.defaultDurationSeconds,
      notification_channel: policy.notificationChannel,
      approval_required: policy.approvalRequired,
      approval_groups: policy.approvalGroups.map((group) => {
        const list = group.email_list_uuid === null ? undefined : listNames.get(group.email_list_uuid);
        return {
          approvals_needed: group.approvals_needed,
          email_addresses: group.email_addresses,
          ...(list !== undefined ? { email_list: list } : { email_list_uuid: group.email_list_uuid }),
        };
      }),
      purpose_justification_required: policy.purposeJustificationRequired,
      purpose_justification_prompt: policy.purposeJustificationPrompt,
      approval_timeout_seconds: policy.approvalTimeoutSeconds,
      rules: [...policy.rules].sort((a, b) => a.ordinal - b.ordinal).map(ruleExport),
    })),
    email_lists: live.lists.map((list) => ({ name: list.name, emails: list.emails })),
    notification_channels: live.channels.map((channel) => ({ name: channel.name, type: channel.type, config: channel.config, event_filters: channel.eventFilters })),
    entities: live.entities.map((entity) => ({ uid: entity.uid, attrs: entity.attrs, parents: entity.parents })),
    schema: live.schema,
    tests: [],
  };
}
