import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { conflict } from '@/common/errors/domain-error';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { IpListRecord } from './access.types';
import type { IpListInput } from './ip-list-bodies';

/** The only code on ip_lists. */
@Injectable()
export class IpListsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A name the account already uses is `409 conflict` at `/name`. */
  async create(tx: Tx, tenantId: string, id: string, input: IpListInput): Promise<IpListRecord> {
    try {
      return await tx.ipList.create({ data: { id, tenantId, name: input.name, description: input.description, kind: 'ip' } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw conflict(`An IP list named "${input.name}" already exists`, { fields: { '/name': ['must be unique within the account'] } });
      }
      throw error;
    }
  }

  async update(tx: Tx, tenantId: string, id: string, changes: { description: string | null }): Promise<IpListRecord> {
    await tx.ipList.updateMany({ where: { tenantId, id }, data: changes });
    return tx.ipList.findFirstOrThrow({ where: { tenantId, id } });
  }

  /** Bumps updated_at after an item write. */
  async touch(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.ipList.updateMany({ where: { tenantId, id }, data: { updatedAt: new Date() } });
  }

  find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<IpListRecord | null> {
    return tx.ipList.findFirst({ where: { tenantId, id } });
  }

  /** Reads the list and holds its row lock until `tx` ends (item writes and deletion serialise on it). */
  async findForUpdate(tx: Tx, tenantId: string, id: string): Promise<IpListRecord | null> {
    await tx.$queryRaw`SELECT id FROM ip_lists WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    return tx.ipList.findFirst({ where: { tenantId, id } });
  }

  /** Which of `ids` are lists of the tenant, share-locked until `tx` ends so that none is deleted meanwhile. */
  async lockExisting(tx: Tx, tenantId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM ip_lists WHERE tenant_id = ${tenantId}::uuid AND id::text = ANY(${ids}) FOR SHARE`;
    return new Set(rows.map((row) => row.id));
  }

  async page(tenantId: string, skip: number, take: number): Promise<{ rows: IpListRecord[]; total: number }> {
    const where = { tenantId };
    const [rows, total] = await Promise.all([
      this.prisma.ipList.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }),
      this.prisma.ipList.count({ where }),
    ]);
    return { rows, total };
  }

  count(tx: Tx, tenantId: string): Promise<number> {
    return tx.ipList.count({ where: { tenantId } });
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.ipList.deleteMany({ where: { tenantId, id } });
  }
}
