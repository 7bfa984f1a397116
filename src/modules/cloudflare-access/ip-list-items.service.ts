import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { invalidInput, notFound } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { AccessCompiler } from './access-compiler';
import { Envelope, envelope } from './envelope';
import { checkItemDeletion, checkItemsBody, MAX_IP_LIST_ITEMS } from './ip-list-bodies';
import { IpListItemsRepository } from './ip-list-items.repository';
import { IpListOperationsRepository } from './ip-list-operations.repository';
import { BulkOperationView, IpListItemView, toIpListItemView } from './ip-list-views';
import { IpListsRepository } from './ip-lists.repository';

/** Raw query of GET `.../items`: Cloudflare's cursor paging. */
export interface ItemPageParams {
  cursor?: string;
  per_page?: string;
  search?: string;
}

type Write = 'items_added' | 'items_replaced' | 'items_deleted';

const MAX_ITEMS_PER_PAGE = 500;
const encodeCursor = (ip: string): string => Buffer.from(ip, 'utf8').toString('base64url');

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const ip = /^[A-Za-z0-9_-]{1,100}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^[0-9a-f.:/]{1,64}$/.test(ip)) throw invalidInput('cursor is not one this API gave', { fields: { '/cursor': ['must be result_info.cursors.after of the previous page'] } });
  return ip;
}

/**
 * The items of an IP list (Cloudflare's asynchronous bulk operations, done here inside the request): each write
 * recompiles the Access policies that inline the list and bumps the policy-set version in one transaction, records
 * an audit event and answers an `operation_id` whose status is `completed`.
 */
@Injectable()
export class IpListItemsService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly lists: IpListsRepository,
    private readonly items: IpListItemsRepository,
    private readonly operations: IpListOperationsRepository,
    private readonly compiler: AccessCompiler,
    private readonly audit: AuditRepository,
  ) {}

  /** POST: adds items; an address already listed keeps its id and takes the new comment. */
  add(tenantId: string, listId: string, body: unknown, actor: Actor): Promise<Envelope<{ operation_id: string }>> {
    const items = checkItemsBody(body);
    return this.write(tenantId, listId, actor, 'items_added', async (tx) => (await this.items.upsert(tx, tenantId, listId, items), { items: items.map((i) => i.ip) }));
  }

  /** PUT: the list holds exactly these items afterwards. */
  replace(tenantId: string, listId: string, body: unknown, actor: Actor): Promise<Envelope<{ operation_id: string }>> {
    const items = checkItemsBody(body);
    return this.write(tenantId, listId, actor, 'items_replaced', async (tx, before) => {
      await this.items.deleteAll(tx, tenantId, listId);
      await this.items.upsert(tx, tenantId, listId, items);
      return { items: items.map((i) => i.ip), previous: before };
    });
  }

  /** DELETE `{items: [{id}]}`: an id that is not an item of the list is `400` at its pointer, and nothing is deleted. */
  remove(tenantId: string, listId: string, body: unknown, actor: Actor): Promise<Envelope<{ operation_id: string }>> {
    const ids = checkItemDeletion(body);
    return this.write(tenantId, listId, actor, 'items_deleted', async (tx) => {
      const missing = await this.items.deleteIds(tx, tenantId, listId, ids);
      if (missing.length > 0) throw invalidInput('Some items are not in the list', { fields: Object.fromEntries(missing.map((id) => [`/items/${ids.indexOf(id)}/id`, ['is not an item of this list']])) });
      return { item_ids: ids };
    });
  }

  private async write(tenantId: string, listId: string, actor: Actor, action: Write, work: (tx: Tx, before: string[]) => Promise<Record<string, unknown>>): Promise<Envelope<{ operation_id: string }>> {
    const operationId = randomUUID();
    await this.changes.commit(tenantId, async (tx) => {
      const list = await this.lists.findForUpdate(tx, tenantId, listId);
      if (!list) throw notFound('IP list');
      const before = (await this.items.itemsOf(tx, tenantId, [listId])).get(listId) ?? [];
      const data = await work(tx, before);
      const count = await this.items.count(tx, tenantId, listId);
      if (count > MAX_IP_LIST_ITEMS) throw invalidInput(`The list would hold ${count} items, more than ${MAX_IP_LIST_ITEMS}`, { fields: { '/': [`the list would hold ${count} items; it may hold at most ${MAX_IP_LIST_ITEMS}`] } });
      await this.lists.touch(tx, tenantId, listId);
      const recompiled = await this.compiler.recompileUsing(tx, tenantId, { ipListId: listId });
      await this.operations.create(tx, tenantId, operationId, listId);
      await this.audit.append(tx, tenantId, {
        actor,
        action: `ip_list.${action}`,
        targetType: 'ip_list',
        targetId: listId,
        data: { name: list.name, operation_id: operationId, ...data, ...(recompiled.length > 0 && { recompiled_access_policy_ids: recompiled.map((p) => p.id) }) },
      });
    });
    return envelope({ operation_id: operationId });
  }

  /** Items by address, `per_page` (1-500, default 100) at a time; `result_info.cursors.after` names the next page. */
  async list(tenantId: string, listId: string, query: ItemPageParams): Promise<Omit<Envelope<IpListItemView[]>, 'result_info'> & { result_info: { cursors: { after?: string } } }> {
    const perPage = query.per_page === undefined ? 100 : /^\d{1,3}$/.test(query.per_page) ? Number(query.per_page) : NaN;
    if (!(perPage >= 1 && perPage <= MAX_ITEMS_PER_PAGE)) throw invalidInput(`per_page must be an integer from 1 to ${MAX_ITEMS_PER_PAGE}`, { fields: { '/per_page': [`must be an integer from 1 to ${MAX_ITEMS_PER_PAGE}`] } });
    const after = decodeCursor(query.cursor);
    if (query.search !== undefined && query.search.length > 100) throw invalidInput('search is too long', { fields: { '/search': ['must be at most 100 characters'] } });
    if (!(await this.lists.find(tenantId, listId))) throw notFound('IP list');
    const rows = await this.items.page(tenantId, listId, perPage + 1, after, query.search);
    const page = rows.slice(0, perPage);
    const next = rows.length > perPage ? encodeCursor(page[page.length - 1].ip) : undefined;
    return { ...envelope(page.map(toIpListItemView)), result_info: { cursors: next ? { after: next } : {} } };
  }

  async get(tenantId: string, listId: string, itemId: string): Promise<Envelope<IpListItemView>> {
    const item = await this.items.find(tenantId, listId, itemId);
    if (!item) throw notFound('IP list item');
    return envelope(toIpListItemView(item));
  }

  async operation(tenantId: string, operationId: string): Promise<Envelope<BulkOperationView>> {
    const found = await this.operations.find(tenantId, operationId);
    if (!found) throw notFound('Bulk operation');
    return envelope({ id: found.id, status: 'completed', completed: found.completedAt.toISOString() });
  }
}
