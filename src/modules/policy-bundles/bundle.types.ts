import type { CedarEntity, CedarSchemaValue, EntityUid } from '@/infra/cedar/cedar-types';
import type { GrantEventName } from '@/modules/grants/grant-events';
import type { ChannelType } from '@/modules/notification-channels/notification-channel.types';
import type { PolicySettings } from '@/modules/policies/policy.types';
import type { CompiledRule } from '@/modules/policies/rule-drafts';

/** An approval group of a bundle: its list named by `email_list` (a name) or `email_list_uuid`. */
export interface BundleGroup {
  approvals_needed: number;
  email_addresses: string[];
  /** Name of the email list; resolved against the draft's lists. */
  listName: string | null;
  /** A list named by id instead (kept as given). */
  listId: string | null;
}

/** A policy of a bundle after validation: settings (groups unresolved) and rules with Cedar text. */
export interface ParsedPolicy {
  pointer: string;
  settings: Omit<PolicySettings, 'approvalGroups'> & { groups: BundleGroup[] };
  /** In ordinal order; ids are `bundle:<pointer>` until stored. */
  rules: (CompiledRule & { ordinal: number; pointer: string; fromText: boolean })[];
}

export interface ParsedChannel {
  pointer: string;
  name: string;
  type: ChannelType;
  /** Readable settings and secrets together, as sent (a secret left out keeps the live one). */
  config: Record<string, unknown>;
  eventFilters: GrantEventName[];
}

export interface ParsedTest {
  pointer: string;
  name: string;
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context?: Record<string, unknown>;
  durationSeconds?: number;
  expect: 'allow' | 'deny' | 'approval_required';
  policy?: string;
}

/** A validated bundle. A section left out (undefined) is not managed by the bundle: the live state stays. */
export interface ParsedBundle {
  policies: ParsedPolicy[];
  emailLists?: { pointer: string; name: string; emails: string[] }[];
  channels?: ParsedChannel[];
  entities?: CedarEntity[];
  /** undefined: not managed; null: no schema. */
  schema?: CedarSchemaValue | null;
  tests: ParsedTest[];
}

export const TEST_EXPECTATIONS = ['allow', 'deny', 'approval_required'] as const;
