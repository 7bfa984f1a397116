import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { memberCount } from '@/modules/decisions/approval-groups';
import { PolicyReads } from '@/modules/policies/policy-reads';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { AccessListChanges } from '@/modules/cloudflare-access/access-list-changes';
import { conflict, notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { CreateEmailListDto } from './dto/create-email-list.dto';
import { UpdateEmailListDto } from './dto/update-email-list.dto';
import { EmailListView, toEmailListView } from './email-list.types';
import { EmailListsRepository } from './email-lists.repository';
import { normalizeEmails } from './emails';

@Injectable()
export class EmailListsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lists: EmailListsRepository,
    private readonly policies: PolicyReads,
    private readonly audit: AuditRepository,
    private readonly changes: PolicySetChanges,
    private readonly access: AccessListChanges,
  ) {}

  async create(tenantId: string, dto: CreateEmailListDto, actor: Actor): Promise<EmailListView> {
    const list = await this.prisma.$transaction(async (tx) => {
      const created = await this.lists.create(tx, tenantId, { name: dto.name, emails: normalizeEmails(dto.emails) });
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'email_list.created',
        targetType: 'email_list',
        targetId: created.id,
        data: { name: created.name, emails: created.emails },
      });
      return created;
    });
    return toEmailListView(list);
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<EmailListView>> {
    const limit = pageSize(query);
    return toPage(await this.lists.list(tenantId, limit + 1, decodeCursor(query.cursor)), limit, toEmailListView);
  }

  /** Inside a policy's transaction: which of `ids` are lists of the tenant, share-locked until it ends. */
  lockExisting(tx: Tx, tenantId: string, ids: string[]): Promise<Set<string>> {
    return this.lists.lockExisting(tx, tenantId, ids);
  }

  /** Members of each list found, keyed by the ids as given (unknown ids are absent): for approval-group snapshots. */
  membersOf(tenantId: string, ids: string[]): Promise<Map<string, string[]>> {
    return ids.length === 0 ? Promise.resolve(new Map<string, string[]>()) : this.lists.emailsOf(tenantId, ids);
  }

  async get(tenantId: string, id: string): Promise<EmailListView> {
    const list = await this.lists.find(tenantId, id);
    if (!list) throw notFound('Email list');
    return toEmailListView(list);
  }

  /** Access policies inline list members: a change of members recompiles them and bumps the policy-set version. */
  async update(tenantId: string, id: string, dto: UpdateEmailListDto, actor: Actor): Promise<EmailListView> {
    const list = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.lists.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('Email list');
      const changes: { name?: string; emails?: string[] } = {};
      if (dto.name !== undefined && dto.name !== current.name) changes.name = dto.name;
      const emails = dto.emails && normalizeEmails(dto.emails);
      if (emails && emails.join('\n') !== current.emails.join('\n')) changes.emails = emails;
      if (Object.keys(changes).length === 0) return current;
      if (changes.emails) await this.refuseUnsatisfiable(tx, tenantId, id, changes.emails);
      const updated = await this.lists.update(tx, tenantId, id, changes);
      const recompiled = changes.emails ? await this.access.listChanged(tx, tenantId, id, (ids) => this.lists.emailsOf(tenantId, ids, tx)) : [];
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'email_list.updated',
        targetType: 'email_list',
        targetId: id,
        data: { changes, previous: { name: current.name, emails: current.emails }, ...(recompiled.length > 0 && { recompiled_access_policy_ids: recompiled }) },
      });
      return updated;
    });
    return toEmailListView(list);
  }

  /**
   * PRODUCT.md section 14: new members that would leave an approval group using this list with fewer people than
   * the approvals it needs are `409 conflict`, naming the policies and groups (the list is locked meanwhile).
   */
  private async refuseUnsatisfiable(tx: Tx, tenantId: string, id: string, emails: string[]): Promise<void> {
    const short = (await this.policies.usingEmailList(tx, tenantId, id)).flatMap((policy) =>
      policy.approvalGroups
        .map((group, index) => ({ policy_id: policy.id, policy_name: policy.name, group: index, approvals_needed: group.approvals_needed, members: memberCount(group, emails), list: group.email_list_uuid }))
        .filter((group) => group.list?.toLowerCase() === id.toLowerCase() && group.members < group.approvals_needed)
        .map(({ list: _list, ...group }) => group),
    );
    if (short.length === 0) return;
    throw conflict(
      `The list would leave ${short.length} approval group(s) without enough approvers: ${[...new Set(short.map((g) => g.policy_name))].join(', ')}`,
      { policy_ids: [...new Set(short.map((g) => g.policy_id))], groups: short },
    );
  }

  async remove(tenantId: string, id: string, actor: Actor): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.lists.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('Email list');
      const policies = await this.policies.usingEmailList(tx, tenantId, id);
      if (policies.length > 0) {
        throw conflict('The email list is used by approval groups of policies', { policy_ids: policies.map((p) => p.id) });
      }
      const accessPolicies = await this.access.policiesUsing(tx, tenantId, id);
      if (accessPolicies.length > 0) throw conflict('The email list is used by Access policies', { access_policy_ids: accessPolicies });
      await this.lists.delete(tx, tenantId, id);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'email_list.deleted',
        targetType: 'email_list',
        targetId: id,
        data: { name: current.name, emails: current.emails },
      });
    });
  }
}
