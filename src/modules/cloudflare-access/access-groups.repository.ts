import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { AccessGroupRecord } from './access.types';
import type { GroupInput } from './access-bodies';
import type { Selector } from './selector-checks';

type Row = { id: string; name: string; include: unknown; exclude: unknown; require: unknown; isDefault: boolean; createdAt: Date; updatedAt: Date };

const toRecord = (row: Row): AccessGroupRecord => ({ ...row, include: row.include as Selector[], exclude: row.exclude as Selector[], require: row.require as Selector[] });
const data = (input: GroupInput) => ({ name: input.name, include: input.include, exclude: input.exclude, require: input.require, isDefault: input.isDefault });

/** The only code on access_groups. */
@Injectable()
export class AccessGroupsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, id: string, input: GroupInput): Promise<AccessGroupRecord> {
    return toRecord(await tx.accessGroup.create({ data: { id, tenantId, ...data(input) } }));
  }

  async replace(tx: Tx, tenantId: string, id: string, input: GroupInput): Promise<AccessGroupRecord> {
    await tx.accessGroup.updateMany({ where: { tenantId, id }, data: data(input) });
    return toRecord(await tx.accessGroup.findFirstOrThrow({ where: { tenantId, id } }));
  }

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<AccessGroupRecord | null> {
    const row = await tx.accessGroup.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  /** Every group of the tenant, by id, as the caller's snapshot sees them. */
  async all(tx: Tx, tenantId: string): Promise<Map<string, AccessGroupRecord>> {
    const rows = await tx.accessGroup.findMany({ where: { tenantId } });
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  /** Locks the tenant's groups (FOR UPDATE) so that a compile sees them as they will commit; every group, by id. */
  async lockAll(tx: Tx, tenantId: string): Promise<Map<string, AccessGroupRecord>> {
    await tx.$queryRaw`SELECT id FROM access_groups WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
    const rows = await tx.accessGroup.findMany({ where: { tenantId } });
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  async page(tenantId: string, skip: number, take: number): Promise<{ rows: AccessGroupRecord[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.prisma.accessGroup.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }),
      this.prisma.accessGroup.count({ where: { tenantId } }),
    ]);
    return { rows: rows.map(toRecord), total };
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    return (await tx.accessGroup.deleteMany({ where: { tenantId, id } })).count > 0;
  }
}
