import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { AccessGroupsRepository } from './access-groups.repository';
import { dependedLists, throwIssues } from './access-issues';
import { AccessPoliciesRepository } from './access-policies.repository';
import { IpListItemsRepository } from './ip-list-items.repository';
import { Issue, listsNamedBy } from './selector-checks';
import { compileConditions, RuleLists } from './selector-cedar';

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
    private readonly ipItems: IpListItemsRepository,
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
    const named = listsNamedBy([...groups.values(), ...affected]);
    const sources = { groups, emailLists: await members(named.emailListIds), ipLists: await this.ipItems.itemsOf(tx, tenantId, named.ipListIds) };
    for (const policy of affected) {
      const issues: Issue[] = [];
      const compiled = compileConditions(policy.decision, policy, sources, issues);
      throwIssues(issues);
      await this.policies.setCompiled(tx, tenantId, policy.id, {
        cedarConditions: compiled.conditions,
        groupIds: compiled.groupIds,
        emailListIds: dependedLists(compiled.emailListIds, policy.approvalGroups),
        ipListIds: compiled.ipListIds,
      });
    }
    return affected.map((p) => p.id);
  }
}
