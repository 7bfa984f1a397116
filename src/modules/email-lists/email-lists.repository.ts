import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { conflict } from '@/common/errors/domain-error';
import type { Cursor } from '@/common/http/pagination';
import { isUuid } from '@/common/http/uuid.pipe';
import { EmailListRecord } from './email-list.types';
import { afterCursor } from '@/infra/prisma/keyset';

const duplicateName = (error: unknown, name: string | undefined): unknown =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
    ? conflict(`An email list named "${name}" already exists`, { field: 'name' })
    : error;

/** Ids as the caller gave them, paired with the lower-case form stored in the database; non-UUIDs never match. */
const lookupIds = (ids: readonly string[]) => {
  const valid = ids.filter(isUuid);
  return { given: valid, stored: [...new Set(valid.map((id) => id.toLowerCase()))] };
};

/** The only code on email_lists. */
@Injectable()
export class EmailListsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, list: { name: string; emails: string[] }): Promise<EmailListRecord> {
    try {
      return await tx.emailList.create({ data: { ...list, tenantId } });
    } catch (error) {
      throw duplicateName(error, list.name);
    }
  }

  find(tenantId: string, id: string): Promise<EmailListRecord | null> {
    return this.prisma.emailList.findFirst({ where: { tenantId, id } });
  }

  list(tenantId: string, limit: number, after?: Cursor): Promise<EmailListRecord[]> {
    return this.prisma.emailList.findMany({
      where: {
        tenantId,
        ...afterCursor(after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

/** Every list of the tenant, oldest first (policy bundles). */
  all(tx: Tx, tenantId: string): Promise<EmailListRecord[]> {
    return tx.emailList.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

    /** Reads the list and holds its row lock until `tx` ends, so a policy cannot start using it meanwhile. */
  async findForUpdate(tx: Tx, tenantId: string, id: string): Promise<EmailListRecord | null> {
    await tx.$queryRaw`SELECT id FROM email_lists WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    return tx.emailList.findFirst({ where: { tenantId, id } });
  }

  async update(tx: Tx, tenantId: string, id: string, changes: { name?: string; emails?: string[] }): Promise<EmailListRecord> {
    try {
      await tx.emailList.updateMany({ where: { tenantId, id }, data: changes });
    } catch (error) {
      throw duplicateName(error, changes.name);
    }
    return tx.emailList.findFirstOrThrow({ where: { tenantId, id } });
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.emailList.deleteMany({ where: { tenantId, id } });
  }

  /** Which of `ids` name a list of the tenant; the set holds the ids as given. */
  async existingIds(tenantId: string, ids: string[]): Promise<Set<string>> {
    const rows = await this.prisma.emailList.findMany({
      where: { tenantId, id: { in: lookupIds(ids).stored } },
      select: { id: true },
    });
    return this.matchIds(ids, rows);
  }

  /**
   * Like existingIds, but inside the caller's transaction and with a share lock on each found list until it
   * ends: a policy that references lists checks them with this, and a concurrent delete then waits and sees the
   * reference (or the policy sees the list gone), so no policy is left pointing at a deleted list.
   */
  async lockExisting(tx: Tx, tenantId: string, ids: string[]): Promise<Set<string>> {
    const { stored } = lookupIds(ids);
    if (stored.length === 0) return new Set();
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM email_lists WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${stored}::uuid[]) FOR SHARE`;
    return this.matchIds(ids, rows);
  }

  /** Members of each found list, keyed by the ids as given; unknown ids are absent from the map. */
  async emailsOf(tenantId: string, ids: string[], tx: Tx = this.prisma): Promise<Map<string, string[]>> {
    const { given, stored } = lookupIds(ids);
    const rows = await tx.emailList.findMany({
      where: { tenantId, id: { in: stored } },
      select: { id: true, emails: true },
    });
    const byId = new Map(rows.map((row) => [row.id, row.emails]));
    const result = new Map<string, string[]>();
    for (const id of given) {
      const emails = byId.get(id.toLowerCase());
      if (emails) result.set(id, emails);
    }
    return result;
  }

  private matchIds(ids: readonly string[], rows: { id: string }[]): Set<string> {
    const found = new Set(rows.map((row) => row.id));
    return new Set(lookupIds(ids).given.filter((id) => found.has(id.toLowerCase())));
  }
}
