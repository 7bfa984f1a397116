import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { AccessGroupsRepository } from './access-groups.repository';
import { dependedLists, throwIssues } from './access-issues';
import { AccessPoliciesRepository } from './access-policies.repository';
import type { Issue, Selector } from './selector-checks';
import { compileConditions, RuleLists } from './selector-cedar';

const listIdsIn = (rules: RuleLists[]): string[] => [...new Set(rules.flatMap((r) => [r.include, r.exclude, r.require].flat()).filter((s: Selector) => s.email_list).map((s) => s.email_list.id))];

/**
 * What the email-lists feature calls inside its own transaction when a list changes: Access policies inline the
 * members of the lists their `email_list` selectors name, so they are recompiled with the new members (the caller
 * runs in PolicySetChanges, which bumps the policy-set version), and a list they use cannot be deleted.
 */
@Injectable()
export class AccessListChanges {
  constructor(
    private readonly groups: AccessGroupsRepository,
    private readonly policies: AccessPoliciesRepository,
  ) {}

  /** Ids of the Access policies whose selectors or approval groups name the list. */
  async policiesUsing(tx: Tx, tenantId: string, listId: string): Promise<string[]> {
    return (await this.policies.usingEmailList(tx, tenantId, listId)).map((p) => p.id);
  }

  /** Recompiles the policies using the list; `members` reads lists' members inside `tx`. Answers their ids. */
  async listChanged(tx: Tx, tenantId: string, listId: string, members: (ids: string[]) => Promise<Map<string, string[]>>): Promise<string[]> {
    const affected = await this.policies.usingEmailList(tx, tenantId, listId);
    if (affected.length === 0) return [];
    const groups: Map<string, RuleLists> = await this.groups.lockAll(tx, tenantId);
    const emailLists = await members(listIdsIn([...groups.values(), ...affected]));
    for (const policy of affected) {
      const issues: Issue[] = [];
      const compiled = compileConditions(policy.decision, policy, { groups, emailLists }, issues);
      throwIssues(issues);
      await this.policies.setCompiled(tx, tenantId, policy.id, { cedarConditions: compiled.conditions, groupIds: compiled.groupIds, emailListIds: dependedLists(compiled.emailListIds, policy.approvalGroups) });
    }
    return affected.map((p) => p.id);
  }
}
