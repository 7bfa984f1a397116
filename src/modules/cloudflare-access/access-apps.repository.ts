import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { AccessAppRecord } from './access.types';
import type { AppInput } from './app-body';

type Row = Omit<AccessAppRecord, 'extra'> & { extra: unknown };

const toRecord = (row: Row): AccessAppRecord => ({ ...row, extra: row.extra as Record<string, unknown> });
const data = (input: AppInput) => ({ name: input.name, domain: input.domain, type: input.type, sessionDuration: input.sessionDuration, extra: input.extra as object });

/** The only code on access_apps. */
@Injectable()
export class AccessAppsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, id: string, input: AppInput): Promise<AccessAppRecord> {
    return toRecord(await tx.accessApp.create({ data: { id, tenantId, ...data(input) } }));
  }

  async replace(tx: Tx, tenantId: string, id: string, input: AppInput): Promise<AccessAppRecord> {
    await tx.accessApp.updateMany({ where: { tenantId, id }, data: data(input) });
    return toRecord(await tx.accessApp.findFirstOrThrow({ where: { tenantId, id } }));
  }

  /** The app, locked FOR UPDATE inside `tx` (precedences of its policies are checked under this lock). */
  async lock(tx: Tx, tenantId: string, id: string): Promise<AccessAppRecord | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM access_apps WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    return rows.length === 0 ? null : this.find(tenantId, id, tx);
  }

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<AccessAppRecord | null> {
    const row = await tx.accessApp.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async all(tx: Tx, tenantId: string): Promise<AccessAppRecord[]> {
    return (await tx.accessApp.findMany({ where: { tenantId } })).map(toRecord);
  }

  async page(tenantId: string, skip: number, take: number): Promise<{ rows: AccessAppRecord[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.prisma.accessApp.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }),
      this.prisma.accessApp.count({ where: { tenantId } }),
    ]);
    return { rows: rows.map(toRecord), total };
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    return (await tx.accessApp.deleteMany({ where: { tenantId, id } })).count > 0;
  }
}
