import { Injectable } from '@nestjs/common';
import { invalidInput } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { memberCount } from '@/modules/decisions/approval-groups';
import { GrantEffects, PendingEffects } from '@/modules/grants/grant-effects';
import { GrantLifecycle } from '@/modules/grants/grant-lifecycle.service';
import { EmailListsService } from '@/modules/email-lists/email-lists.service';
import type { PolicyInput } from './access-bodies';
import { AccessCompiler } from './access-compiler';
import { AccessSchemaCheck } from './access-schema-check';
import { dependedLists } from './access-issues';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import type { AccessPolicyData, AccessPolicyRecord } from './access.types';
import { PolicyView, toPolicyView } from './access-views';

/** What app-scoped and reusable policies share: compiling a body into a row, checks, audit, deletion and views. */
@Injectable()
export class AccessPolicyWriter {
  constructor(
    readonly policies: AccessPoliciesRepository,
    readonly attachments: AccessAppPoliciesRepository,
    readonly apps: AccessAppsRepository,
    private readonly compiler: AccessCompiler,
    private readonly lists: EmailListsService,
    private readonly audit: AuditRepository,
    private readonly lifecycle: GrantLifecycle,
    private readonly effects: GrantEffects,
    private readonly schema: AccessSchemaCheck,
  ) {}

  /** The row a body becomes: selectors compiled (groups and lists resolved in `tx`) and checked against the tenant's schema, approval lists checked. */
  async data(tx: Tx, tenantId: string, input: PolicyInput): Promise<AccessPolicyData> {
    await this.checkApprovalGroups(tx, tenantId, input);
    const sources = await this.compiler.sources(tx, tenantId, [input]);
    const compiled = this.compiler.compile(input.decision, input, sources);
    await this.schema.check(tx, tenantId, [{ decision: input.decision, cedarConditions: compiled.cedarConditions }], { decision: input.decision, rules: input }, sources);
    const { precedence: _precedence, ...fields } = input;
    return { ...fields, ...compiled, emailListIds: dependedLists(compiled.emailListIds, input.approvalGroups) };
  }

  private async checkApprovalGroups(tx: Tx, tenantId: string, input: PolicyInput): Promise<void> {
    const ids = input.approvalGroups.map((g) => g.email_list_uuid).filter((id): id is string => id !== null);
    const found = await this.lists.lockExisting(tx, tenantId, ids);
    const members = await this.lists.membersOf(tenantId, [...found]);
    input.approvalGroups.forEach((group, index) => {
      const pointer = `/approval_groups/${index}`;
      if (group.email_list_uuid !== null && !found.has(group.email_list_uuid)) throw invalidInput(`${pointer}/email_list_uuid names no email list`, { fields: { [`${pointer}/email_list_uuid`]: ['names no email list of this account'] } });
      const count = memberCount(group, group.email_list_uuid ? members.get(group.email_list_uuid) : []);
      if (count < group.approvals_needed) throw invalidInput(`${pointer} needs ${group.approvals_needed} approvals but has ${count} approvers`, { fields: { [`${pointer}/approvals_needed`]: [`exceeds the ${count} approvers the group can draw on`] } });
    });
  }

  async record(tx: Tx, tenantId: string, actor: Actor, action: string, policy: AccessPolicyRecord, data: Record<string, unknown> = {}): Promise<void> {
    await this.audit.append(tx, tenantId, { actor, action, targetType: 'access_policy', targetId: policy.id, data: { name: policy.name, decision: policy.decision, cedar_conditions: policy.cedarConditions, ...data } });
  }

  /** Deletes the policy; its pending requests end `denied` in the same transaction (as /v1 policies). */
  async delete(tx: Tx, tenantId: string, policy: AccessPolicyRecord, actor: Actor): Promise<PendingEffects[]> {
    const denied = await this.lifecycle.denyPendingOfPolicy(tx, tenantId, policy.id, 'policy deleted', actor);
    await this.policies.delete(tx, tenantId, policy.id);
    await this.record(tx, tenantId, actor, 'access_policy.deleted', policy);
    return denied;
  }

  async committed(effects: PendingEffects[]): Promise<void> {
    await this.effects.committed(effects);
  }

  async view(tenantId: string, policy: AccessPolicyRecord, options: { appId?: string; appCount?: boolean } = {}): Promise<PolicyView> {
    const all = await this.attachments.ofPolicy(tenantId, policy.id);
    const owner = policy.ownerAppId ? ((await this.apps.find(tenantId, policy.ownerAppId)) ?? undefined) : undefined;
    const precedence = options.appId ? all.find((a) => a.appId === options.appId)?.precedence : undefined;
    return toPolicyView(policy, all, { precedence, owner, appCount: options.appCount });
  }
}
