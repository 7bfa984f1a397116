import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { EmailListsService } from '@/modules/email-lists/email-lists.service';
import { AccessGroupsRepository } from './access-groups.repository';
import { dependedLists, throwIssues } from './access-issues';
import { AccessPoliciesRepository } from './access-policies.repository';
import type { AccessGroupRecord, AccessPolicyRecord } from './access.types';
import { IpListItemsRepository } from './ip-list-items.repository';
import { IpListsRepository } from './ip-lists.repository';
import { Issue, listsNamedBy } from './selector-checks';
import { AccessDecision, compileConditions, CompileSources, RuleLists } from './selector-cedar';

/** Compiled conditions and what they inline, as an access_policies row stores them. */
export interface Compiled {
  cedarConditions: string;
  groupIds: string[];
  emailListIds: string[];
  ipListIds: string[];
}

/**
 * Compiles Access policies and checks Access groups inside the caller's transaction, against the tenant's groups
 * (locked FOR UPDATE, so concurrent group edits serialise) and the email and IP lists they name (share-locked, IP
 * list items read in the transaction).
 */
@Injectable()
export class AccessCompiler {
  constructor(
    private readonly groups: AccessGroupsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly lists: EmailListsService,
    private readonly ipLists: IpListsRepository,
    private readonly ipItems: IpListItemsRepository,
  ) {}

  /** Every group, and the lists named by the groups and by `extra` (bodies being written, policies recompiled). */
  async sources(tx: Tx, tenantId: string, extra: RuleLists[] = [], replace?: AccessGroupRecord): Promise<CompileSources> {
    const groups: Map<string, RuleLists> = await this.groups.lockAll(tx, tenantId);
    if (replace) groups.set(replace.id, replace);
    const { emailListIds, ipListIds } = listsNamedBy([...groups.values(), ...extra]);
    await this.lists.lockExisting(tx, tenantId, emailListIds);
    await this.ipLists.lockExisting(tx, tenantId, ipListIds);
    return { groups, emailLists: await this.lists.membersOf(tenantId, emailListIds), ipLists: await this.ipItems.itemsOf(tx, tenantId, ipListIds) };
  }

  /** A policy's conditions; a bad reference (unknown group or list, cycle, depth) is a 400 at its pointer. */
  compile(decision: AccessDecision, rules: RuleLists & { extra?: Record<string, unknown> }, sources: CompileSources): Compiled {
    const issues: Issue[] = [];
    const compiled = compileConditions(decision, rules, sources, issues);
    throwIssues(issues);
    return { cedarConditions: compiled.conditions, groupIds: compiled.groupIds, emailListIds: compiled.emailListIds, ipListIds: compiled.ipListIds };
  }

  /** A group's rules must resolve (groups and lists exist, no cycle through the group itself, depth at most 8); answers them compiled as an allow policy's. */
  checkGroup(group: AccessGroupRecord, sources: CompileSources): string {
    const issues: Issue[] = [];
    const compiled = compileConditions('allow', group, sources, issues, '', [group.id]);
    throwIssues(issues);
    return compiled.conditions;
  }

  /**
   * Recompiles every policy that inlines the group or IP list, in the caller's transaction, against groups and lists
   * as `tx` sees them now (the lists the policies name themselves included). Answers them as recompiled.
   */
  async recompileUsing(tx: Tx, tenantId: string, using: { groupId: string } | { ipListId: string }): Promise<AccessPolicyRecord[]> {
    const affected = 'groupId' in using ? await this.policies.usingGroup(tx, tenantId, using.groupId) : await this.policies.usingIpList(tx, tenantId, using.ipListId);
    if (affected.length === 0) return [];
    const sources = await this.sources(tx, tenantId, affected);
    const out: AccessPolicyRecord[] = [];
    for (const policy of affected) {
      const fresh = this.compile(policy.decision, policy, sources);
      const compiled = { ...fresh, emailListIds: dependedLists(fresh.emailListIds, policy.approvalGroups) };
      await this.policies.setCompiled(tx, tenantId, policy.id, compiled);
      out.push({ ...policy, ...compiled });
    }
    return out;
  }
}
