import { randomUUID } from 'node:crypto';
import { canonicalJson } from '@/modules/audit/audit-chain';
import type { CedarEntity, CedarSchemaValue } from '@/infra/cedar/cedar-types';
import { checkEntities, checkRuleText, checkSchema, validateAgainstSchema } from '@/infra/cedar/cedar-checks';
import { ACCESS_VALIDATION } from '@/modules/cloudflare-access/access-schema-check';
import { resolveScopes } from '@/infra/cedar/rule-scope';
import { memberCount } from '@/modules/decisions/approval-groups';
import type { PolicySetData, StoredPolicy, StoredRule } from '@/modules/decisions/compiled-policy-set';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { EmailListRecord } from '@/modules/email-lists/email-list.types';
import { mergeChannelSettings, parseChannelSettings } from '@/modules/notification-channels/channel-config';
import type { ChannelRecord, ChannelSettings } from '@/modules/notification-channels/notification-channel.types';
import type { GrantEventName } from '@/modules/grants/grant-events';
import { checkSettings } from '@/modules/policies/policy-settings';
import { accessPoliciesWithLists, AccessSources } from '@/modules/cloudflare-access/access-draft';
import type { PolicyRecord, PolicySettings } from '@/modules/policies/policy.types';
import type { ParsedBundle, ParsedPolicy } from './bundle.types';
import { atPointer, rebaseError, rebasePath } from './json-pointer';

/** The tenant's objects as they are, read in one snapshot (policies with their rules, disabled ones too). */
export interface LiveState {
  tenantId: string;
  version: bigint;
  policies: PolicyRecord[];
  lists: EmailListRecord[];
  channels: ChannelRecord[];
  entities: CedarEntity[];
  schema: CedarSchemaValue | null;
  /**
   * The enabled Cloudflare Access policies as the engine stores them (PRODUCT.md section 15). A bundle neither holds
   * nor replaces them, but they keep deciding next to its policies, so plans evaluate them too.
   */
  accessPolicies: StoredPolicy[];
  /** What the Access policies compile from, to compile them again with a bundle's email lists. */
  access: AccessSources;
}

export interface DraftList {
  id: string;
  name: string;
  emails: string[];
  live: EmailListRecord | null;
}

export interface DraftChannel {
  name: string;
  settings: ChannelSettings;
  eventFilters: GrantEventName[];
  live: ChannelRecord | null;
  pointer: string | null;
}

export interface DraftRule extends StoredRule {
  /** True when the live rule of the same ordinal is the same rule (its id is kept). */
  kept: boolean;
}

export interface DraftPolicy {
  id: string;
  createdAt: Date;
  settings: PolicySettings;
  rules: DraftRule[];
  live: PolicyRecord | null;
  pointer: string;
}

/** The tenant as it would be once the bundle is applied. */
export interface Draft {
  policies: DraftPolicy[];
  lists: DraftList[];
  channels: DraftChannel[];
  entities: CedarEntity[];
  schema: CedarSchemaValue | null;
  /** The live ones (LiveState.accessPolicies), compiled with the draft's email list members. */
  accessPolicies: StoredPolicy[];
  managed: { lists: boolean; channels: boolean; entities: boolean; schema: boolean };
}

const RULE_FIELDS: (keyof StoredRule)[] = [
  'effect', 'principalScopeType', 'principalEntityType', 'principalEntityId', 'actionScopeType', 'actionIds',
  'resourceScopeType', 'resourceEntityType', 'resourceEntityId', 'conditions', 'notice', 'auditSession',
];
const sameRule = (a: StoredRule, b: StoredRule): boolean => RULE_FIELDS.every((f) => canonicalJson(a[f]) === canonicalJson(b[f]));

function draftLists(bundle: ParsedBundle, live: LiveState): DraftList[] {
  if (!bundle.emailLists) return live.lists.map((list) => ({ id: list.id, name: list.name, emails: list.emails, live: list }));
  const byName = new Map(live.lists.map((list) => [list.name, list]));
  return bundle.emailLists.map((list) => {
    const current = byName.get(list.name) ?? null;
    return { id: current?.id ?? randomUUID(), name: list.name, emails: list.emails, live: current };
  });
}

function draftChannels(bundle: ParsedBundle, live: LiveState): DraftChannel[] {
  if (!bundle.channels) return live.channels.map((c) => ({ name: c.name, settings: c, eventFilters: c.eventFilters, live: c, pointer: null }));
  const byName = new Map(live.channels.map((channel) => [channel.name, channel]));
  return bundle.channels.map((channel) => {
    const current = byName.get(channel.name) ?? null;
    try {
      const settings = current && current.type === channel.type ? mergeChannelSettings(current, channel.config) : parseChannelSettings(channel.type, channel.config);
      return { name: channel.name, settings, eventFilters: channel.eventFilters, live: current, pointer: channel.pointer };
    } catch (error) {
      throw rebaseError(error, channel.pointer);
    }
  });
}

function draftPolicy(parsed: ParsedPolicy, live: PolicyRecord | null, lists: Map<string, DraftList>, index: number, checked: Set<string>): DraftPolicy {
  const groups: ApprovalGroup[] = parsed.settings.groups.map((group, i) => {
    let listId = group.listId;
    if (group.listName !== null) {
      const list = lists.get(group.listName);
      if (!list) throw atPointer(`${parsed.pointer}/approval_groups/${i}/email_list`, `names no email list "${group.listName}"`);
      listId = list.id;
    } else if (listId !== null && ![...lists.values()].some((list) => list.id === listId)) {
      throw atPointer(`${parsed.pointer}/approval_groups/${i}/email_list_uuid`, 'names no email list of this tenant');
    }
    const members = [...lists.values()].find((list) => list.id === listId)?.emails ?? [];
    const group_: ApprovalGroup = { approvals_needed: group.approvals_needed, email_addresses: group.email_addresses, email_list_uuid: listId };
    if (memberCount(group_, members) < group.approvals_needed) {
      throw atPointer(`${parsed.pointer}/approval_groups/${i}/approvals_needed`, `needs ${group.approvals_needed} approvals but can draw on only ${memberCount(group_, members)} approvers`);
    }
    return group_;
  });
  const { groups: _groups, ...rest } = parsed.settings;
  const settings: PolicySettings = { ...rest, approvalGroups: groups };
  const problems = checkSettings(settings);
  if (problems.length > 0) throw atPointer(rebasePath(parsed.pointer, problems[0].field), problems[0].message);
  const liveRules = new Map((live?.rules ?? []).map((rule) => [rule.ordinal, rule]));
  const rules = parsed.rules.map(({ pointer, fromText, ...rule }): DraftRule => {
    const current = liveRules.get(rule.ordinal);
    if (current && sameRule(current, rule)) return { ...current, kept: true };
    if (!checked.has(rule.policyText)) {
      const notices = checkRuleText(rule.id, rule.policyText, rule.effect, resolveScopes(rule).scopes);
      if (notices.length > 0) throw atPointer(`${pointer}/${fromText ? 'policy_text' : 'conditions'}`, 'is not valid Cedar for one rule', notices);
      checked.add(rule.policyText);
    }
    return { ...rule, kept: false };
  });
  // New policies are younger than every live one, in bundle order (the oldest policy wins ties in a tier).
  const createdAt = live?.createdAt ?? new Date(Date.now() + index);
  return { id: live?.id ?? `bundle:${parsed.pointer}`, createdAt, settings, rules, live, pointer: parsed.pointer };
}

function checkCedar(draft: Draft): void {
  if (draft.schema !== null) {
    const errors = checkSchema(draft.schema);
    if (errors.length > 0) throw atPointer('/schema', 'is not a valid Cedar schema', errors);
    const rules = draft.policies.flatMap((p) => p.rules.map((rule, i) => ({ id: rule.id, text: rule.policyText, at: `${p.pointer}/rules/${i}` })));
    const { schemaErrors, byRule } = validateAgainstSchema(draft.schema, rules);
    if (schemaErrors.length > 0) throw atPointer('/schema', 'could not be used', schemaErrors);
    const offending = rules.find((rule) => byRule.has(rule.id));
    if (offending) throw atPointer(offending.at, "does not conform to the bundle's Cedar schema", byRule.get(offending.id));
    // The tenant's Access policies keep deciding next to the bundle's: the schema must hold for them too.
    const access = draft.accessPolicies.flatMap((p) => p.rules.map((rule) => ({ id: rule.id, text: rule.policyText, name: p.name })));
    const accessErrors = validateAgainstSchema(draft.schema, access, ACCESS_VALIDATION).byRule;
    const refused = access.find((rule) => accessErrors.has(rule.id));
    if (refused) throw atPointer('/schema', `does not hold for the Access policy "${refused.name}"`, accessErrors.get(refused.id));
  }
  const notices = checkEntities(draft.entities, draft.schema);
  if (notices.length > 0) throw atPointer(draft.managed.entities ? '/entities' : '/schema', draft.schema ? 'entities do not conform to the Cedar schema' : 'are not valid Cedar entities', notices);
}

/**
 * The tenant as the bundle would leave it, checked against itself: list and channel names resolve, groups can be
 * satisfied, channels' settings are valid (a secret left out keeps the live one), rules and entities conform to the
 * schema. Errors are `400 invalid_input` at the JSON pointer of the offending value. `checked`: rule texts Cedar
 * already accepted (an apply drafts twice: before its transaction and inside it).
 */
export function buildDraft(bundle: ParsedBundle, live: LiveState, checked = new Set<string>()): Draft {
  const lists = draftLists(bundle, live);
  const channels = draftChannels(bundle, live);
  const listsByName = new Map(lists.map((list) => [list.name, list]));
  const livePolicies = new Map<string, PolicyRecord>();
  for (const policy of live.policies) if (!livePolicies.has(policy.name)) livePolicies.set(policy.name, policy);
  const policies = bundle.policies.map((parsed, index) => draftPolicy(parsed, livePolicies.get(parsed.settings.name) ?? null, listsByName, index, checked));
  const channelNames = new Set(channels.map((channel) => channel.name));
  for (const policy of policies) {
    const channel = policy.settings.notificationChannel;
    if (channel !== null && !channelNames.has(channel)) throw atPointer(`${policy.pointer}/notification_channel`, `names no notification channel "${channel}"`);
  }
  const draft: Draft = {
    policies,
    lists,
    channels,
    entities: bundle.entities ?? live.entities,
    schema: bundle.schema === undefined ? live.schema : bundle.schema,
    accessPolicies: bundle.emailLists ? accessPoliciesWithLists(live.access, new Map(lists.map((list) => [list.id, list.emails]))) : live.accessPolicies,
    managed: { lists: bundle.emailLists !== undefined, channels: bundle.channels !== undefined, entities: bundle.entities !== undefined, schema: bundle.schema !== undefined },
  };
  checkCedar(draft);
  return draft;
}

/**
 * What the decision engine compiles for the draft: its enabled policies and the tenant's Access policies, as the
 * live engine's loader does (`version` labels it in the caches).
 */
export function draftPolicySet(draft: Draft, tenantId: string): PolicySetData {
  const policies: StoredPolicy[] = draft.policies
    .filter((policy) => policy.settings.enabled)
    .map((policy) => ({
      id: policy.id,
      name: policy.settings.name,
      priority: policy.settings.priority,
      createdAt: policy.createdAt,
      maxDurationSeconds: policy.settings.maxDurationSeconds,
      defaultDurationSeconds: policy.settings.defaultDurationSeconds,
      notificationChannel: policy.settings.notificationChannel,
      approvalRequired: policy.settings.approvalRequired,
      approvalGroups: policy.settings.approvalGroups,
      purposeJustificationRequired: policy.settings.purposeJustificationRequired,
      purposeJustificationPrompt: policy.settings.purposeJustificationPrompt,
      approvalTimeoutSeconds: policy.settings.approvalTimeoutSeconds,
      rules: policy.rules.map(({ kept: _kept, ...rule }) => rule),
    }));
  return { tenantId: `draft:${tenantId}:${randomUUID()}`, version: 0n, policies: [...policies, ...draft.accessPolicies], entities: draft.entities, schema: draft.schema };
}
