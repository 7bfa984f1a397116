import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { EmailListsService } from '@/modules/email-lists/email-lists.service';
import { AccessGroupsRepository } from './access-groups.repository';
import { dependedLists, throwIssues } from './access-issues';
import { AccessPoliciesRepository } from './access-policies.repository';
import type { AccessGroupRecord, AccessPolicyRecord } from './access.types';
import type { Issue, Selector } from './selector-checks';
import { AccessDecision, compileConditions, CompileSources, RuleLists } from './selector-cedar';

const emailListIdsIn = (lists: Selector[][]): string[] => lists.flat().filter((s) => s.email_list).map((s) => s.email_list.id);

/** Compiled conditions and what they inline, as an access_policies row stores them. */
export interface Compiled {
  cedarConditions: string;
  groupIds: string[];
  emailListIds: string[];
}

/**
 * Compiles Access policies and checks Access groups inside the caller's transaction, against the tenant's groups
 * (locked FOR UPDATE, so concurrent group edits serialise) and the email lists they name (share-locked).
 */
@Injectable()
export class AccessCompiler {
  constructor(
    private readonly groups: AccessGroupsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly lists: EmailListsService,
  ) {}

  async sources(tx: Tx, tenantId: string, extra: RuleLists[] = [], replace?: AccessGroupRecord): Promise<CompileSources> {
    const groups: Map<string, RuleLists> = await this.groups.lockAll(tx, tenantId);
    if (replace) groups.set(replace.id, replace);
    const ids = [...new Set([...groups.values(), ...extra].flatMap((g) => emailListIdsIn([g.include, g.exclude, g.require])))];
    await this.lists.lockExisting(tx, tenantId, ids);
    return { groups, emailLists: await this.lists.membersOf(tenantId, ids) };
  }

  /** A policy's conditions; a bad reference (unknown group or list, cycle, depth) is a 400 at its pointer. */
  compile(decision: AccessDecision, rules: RuleLists, sources: CompileSources): Compiled {
    const issues: Issue[] = [];
    const compiled = compileConditions(decision, rules, sources, issues);
    throwIssues(issues);
    return { cedarConditions: compiled.conditions, groupIds: compiled.groupIds, emailListIds: compiled.emailListIds };
  }

  /** A group's rules must resolve (groups and lists exist, no cycle through the group itself, depth at most 8). */
  checkGroup(group: AccessGroupRecord, sources: CompileSources): void {
    const issues: Issue[] = [];
    compileConditions('allow', group, sources, issues, '', [group.id]);
    throwIssues(issues);
  }

  /** Recompiles every policy that inlines one of `groupIds` or `listId`, in the caller's transaction. */
  async recompileUsing(tx: Tx, tenantId: string, sources: CompileSources, using: { groupId?: string; listId?: string }): Promise<AccessPolicyRecord[]> {
    const affected = using.groupId ? await this.policies.usingGroup(tx, tenantId, using.groupId) : using.listId ? await this.policies.usingEmailList(tx, tenantId, using.listId) : [];
    for (const policy of affected) {
      const compiled = this.compile(policy.decision, policy, sources);
      await this.policies.setCompiled(tx, tenantId, policy.id, { ...compiled, emailListIds: dependedLists(compiled.emailListIds, policy.approvalGroups) });
    }
    return affected;
  }
}
