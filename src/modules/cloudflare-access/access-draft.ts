import type { StoredPolicy } from '@/modules/decisions/compiled-policy-set';
import type { AccessAppRecord, AccessPolicyRecord, AttachmentRecord } from './access.types';
import { throwIssues } from './access-issues';
import { storedPolicies } from './access-rules';
import type { Issue } from './selector-checks';
import { compileConditions, RuleLists } from './selector-cedar';

/** A tenant's Access policies with what they compile from (their applications, attachments and groups). */
export interface AccessSources {
  apps: AccessAppRecord[];
  policies: AccessPolicyRecord[];
  attachments: AttachmentRecord[];
  groups: ReadonlyMap<string, RuleLists>;
  /** Items of the IP lists the policies and groups name (bundles do not change IP lists). */
  ipLists: ReadonlyMap<string, readonly string[]>;
}

/**
 * The engine's view of the Access policies once email lists hold `lists` (members by list id), as the apply will
 * leave them (AccessListChanges recompiles them the same way): a policy whose selectors inline a list, directly
 * or through a group, is compiled again with these members. A policy naming a list missing from `lists` keeps its
 * stored text: removing such a list is refused by the apply. Compile problems throw `400 invalid_input`.
 */
export function accessPoliciesWithLists(sources: AccessSources, lists: ReadonlyMap<string, readonly string[]>): StoredPolicy[] {
  const issues: Issue[] = [];
  const policies = sources.policies.map((policy) => {
    if (policy.emailListIds.length === 0 || !policy.emailListIds.every((id) => lists.has(id))) return policy;
    const compiled = compileConditions(policy.decision, policy, { groups: sources.groups, emailLists: lists, ipLists: sources.ipLists }, issues);
    return { ...policy, cedarConditions: compiled.conditions };
  });
  throwIssues(issues);
  return storedPolicies(sources.apps, policies, sources.attachments);
}
