import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { IpListItemRecord } from './access.types';
import type { IpItemInput } from './ip-list-bodies';

const select = { id: true, listId: true, ip: true, comment: true, createdAt: true, updatedAt: true } as const;

/** The only code on ip_list_items. */
@Injectable()
export class IpListItemsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Adds the items; an address already in the list keeps its id and takes the new comment. */
  async upsert(tx: Tx, tenantId: string, listId: string, items: IpItemInput[]): Promise<void> {
    if (items.length === 0) return;
    const ids = items.map(() => randomUUID());
    const ips = items.map((i) => i.ip);
    const comments = items.map((i) => i.comment);
    await tx.$executeRaw`
      INSERT INTO ip_list_items (id, tenant_id, list_id, ip, comment)
      SELECT t.id::uuid, ${tenantId}::uuid, ${listId}::uuid, t.ip, t.comment
      FROM unnest(${ids}::text[], ${ips}::text[], ${comments}::text[]) AS t(id, ip, comment)
      ON CONFLICT (list_id, ip) DO UPDATE SET comment = EXCLUDED.comment, updated_at = now()`;
  }

  async deleteAll(tx: Tx, tenantId: string, listId: string): Promise<void> {
    await tx.ipListItem.deleteMany({ where: { tenantId, listId } });
  }

  /** Deletes the items with these ids; answers the ids that were not items of the list. */
  async deleteIds(tx: Tx, tenantId: string, listId: string, ids: string[]): Promise<string[]> {
    const found = await tx.ipListItem.findMany({ where: { tenantId, listId, id: { in: ids } }, select: { id: true } });
    const known = new Set(found.map((f) => f.id));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length === 0) await tx.ipListItem.deleteMany({ where: { tenantId, listId, id: { in: ids } } });
    return missing;
  }

  count(tx: Tx, tenantId: string, listId: string): Promise<number> {
    return tx.ipListItem.count({ where: { tenantId, listId } });
  }

  async counts(tenantId: string, listIds: string[]): Promise<Map<string, number>> {
    const rows = await this.prisma.ipListItem.groupBy({ by: ['listId'], where: { tenantId, listId: { in: listIds } }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.listId, r._count._all]));
  }

  /** Each list's items (canonical text) by list id, read in `tx`; unknown ids are absent. */
  async itemsOf(tx: Tx, tenantId: string, listIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (listIds.length === 0) return out;
    const lists = await tx.ipList.findMany({ where: { tenantId, id: { in: listIds } }, select: { id: true } });
    for (const list of lists) out.set(list.id, []);
    const rows = await tx.ipListItem.findMany({ where: { tenantId, listId: { in: [...out.keys()] } }, orderBy: { ip: 'asc' }, select: { listId: true, ip: true } });
    for (const row of rows) out.get(row.listId)?.push(row.ip);
    return out;
  }

  find(tenantId: string, listId: string, id: string): Promise<IpListItemRecord | null> {
    return this.prisma.ipListItem.findFirst({ where: { tenantId, listId, id }, select });
  }

  /** A page of items ordered by address text, after the cursor (the last address of the previous page); `search`: a substring of address or comment. */
  page(tenantId: string, listId: string, take: number, after?: string, search?: string): Promise<IpListItemRecord[]> {
    // `contains` is LIKE: escape its wildcards so that the search is a plain substring.
    const text = search?.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    return this.prisma.ipListItem.findMany({
      where: { tenantId, listId, ...(after !== undefined && { ip: { gt: after } }), ...(text && { OR: [{ ip: { contains: text, mode: 'insensitive' } }, { comment: { contains: text, mode: 'insensitive' } }] }) },
      orderBy: { ip: 'asc' },
      take,
      select,
    });
  }
}
