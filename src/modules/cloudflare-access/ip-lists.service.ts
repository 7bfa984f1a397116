import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { AccessGroupsRepository } from './access-groups.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import type { IpListRecord } from './access.types';
import { Envelope, envelope, MAX_PER_PAGE, PageParams, pageOf, paging, ResultInfo } from './envelope';
import { checkIpListBody, checkIpListUpdate, MAX_IP_LISTS } from './ip-list-bodies';
import { IpListItemsRepository } from './ip-list-items.repository';
import { IpListView, toIpListView } from './ip-list-views';
import { IpListsRepository } from './ip-lists.repository';

/**
 * IP lists (Cloudflare's Lists API, kind `ip`) that `ip_list` selectors inline. A list that a policy or a group
 * names cannot be deleted (409); its items are written by IpListItemsService.
 */
@Injectable()
export class IpListsService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly lists: IpListsRepository,
    private readonly items: IpListItemsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly groups: AccessGroupsRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** The account holds at most MAX_IP_LISTS lists (409 beyond); a repeated name is 409 at `/name`. */
  async create(tenantId: string, body: unknown, actor: Actor): Promise<Envelope<IpListView>> {
    const input = checkIpListBody(body);
    const list = await this.changes.commit(tenantId, async (tx) => {
      if ((await this.lists.count(tx, tenantId)) >= MAX_IP_LISTS) throw conflict(`The account already holds ${MAX_IP_LISTS} IP lists, the most it may`);
      const created = await this.lists.create(tx, tenantId, randomUUID(), input);
      await this.record(tx, tenantId, actor, 'ip_list.created', created);
      return created;
    });
    return envelope(toIpListView(list, 0, 0));
  }

  /** Every list in one page unless `per_page` says otherwise (the SDK reads this list as a single page). */
  async list(tenantId: string, query: PageParams): Promise<Envelope<IpListView[]> & { result_info: ResultInfo }> {
    const { page, perPage, skip } = paging({ page: query.page, per_page: query.per_page ?? String(MAX_PER_PAGE) });
    const { rows, total } = await this.lists.page(tenantId, skip, perPage);
    return pageOf(await this.views(tenantId, rows), total, page, perPage);
  }

  async get(tenantId: string, id: string): Promise<Envelope<IpListView>> {
    const list = await this.lists.find(tenantId, id);
    if (!list) throw notFound('IP list');
    return envelope((await this.views(tenantId, [list]))[0]);
  }

  /** PUT changes the description only (name and kind stay, as Cloudflare's API). */
  async update(tenantId: string, id: string, body: unknown, actor: Actor): Promise<Envelope<IpListView>> {
    const input = checkIpListUpdate(body);
    const list = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.lists.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('IP list');
      const updated = await this.lists.update(tx, tenantId, id, input);
      await this.record(tx, tenantId, actor, 'ip_list.updated', updated, { previous: { description: current.description } });
      return updated;
    });
    return envelope((await this.views(tenantId, [list]))[0]);
  }

  /** A list named by a policy (directly or through a group) or by a group is `409 conflict`, naming them. */
  async remove(tenantId: string, id: string, actor: Actor): Promise<Envelope<{ id: string }>> {
    await this.changes.commit(tenantId, async (tx) => {
      const current = await this.lists.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('IP list');
      const policyIds = (await this.policies.usingIpList(tx, tenantId, id)).map((p) => p.id);
      const groupIds = [...(await this.groups.lockAll(tx, tenantId)).values()].filter((g) => [g.include, g.exclude, g.require].flat().some((s) => s.ip_list?.id === id)).map((g) => g.id);
      if (policyIds.length > 0 || groupIds.length > 0) throw conflict('The IP list is used by Access policies or groups', { policy_ids: policyIds, group_ids: groupIds });
      const items = await this.items.itemsOf(tx, tenantId, [id]);
      await this.lists.delete(tx, tenantId, id);
      await this.record(tx, tenantId, actor, 'ip_list.deleted', current, { items: items.get(id) ?? [] });
    });
    return envelope({ id });
  }

  private async views(tenantId: string, lists: IpListRecord[]): Promise<IpListView[]> {
    const ids = lists.map((l) => l.id);
    const [items, policies] = await Promise.all([this.items.counts(tenantId, ids), this.policies.countUsingIpLists(tenantId, ids)]);
    return lists.map((l) => toIpListView(l, items.get(l.id) ?? 0, policies.get(l.id) ?? 0));
  }

  private async record(tx: Tx, tenantId: string, actor: Actor, action: string, list: IpListRecord, data: Record<string, unknown> = {}): Promise<void> {
    await this.audit.append(tx, tenantId, { actor, action, targetType: 'ip_list', targetId: list.id, data: { name: list.name, description: list.description, ...data } });
  }
}
