import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { Role } from '@/common/auth/roles';
import type { Cursor } from '@/common/http/pagination';
import { ApiKeyRecord } from './api-key.types';
import { afterCursor } from '@/infra/prisma/keyset';

type Row = { id: string; tenantId: string; name: string; role: string; secretHash: Uint8Array; subjectEmail: string | null; createdAt: Date; revokedAt: Date | null };
const toRecord = (row: Row): ApiKeyRecord => ({ ...row, role: row.role as Role });

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, key: { id: string; name: string; role: Role; secretHash: Buffer; subjectEmail: string | null }) {
    return toRecord(await tx.apiKey.create({ data: { ...key, secretHash: new Uint8Array(key.secretHash), tenantId } }));
  }

  async list(tenantId: string, limit: number, after?: Cursor): Promise<ApiKeyRecord[]> {
    const rows = await this.prisma.apiKey.findMany({
      where: {
        tenantId,
        ...afterCursor(after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(toRecord);
  }

  /** Ids of the tenant's active admin keys, row-locked until `tx` ends (two revokes cannot both take the last). */
  async lockActiveAdmins(tx: Tx, tenantId: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM api_keys WHERE tenant_id = ${tenantId}::uuid AND role = 'admin' AND revoked_at IS NULL ORDER BY id FOR UPDATE`;
    return rows.map((row) => row.id);
  }

  /** Compare-and-set: only an active key is revoked; null when none was. */
  async revoke(tx: Tx, tenantId: string, id: string): Promise<ApiKeyRecord | null> {
    const { count } = await tx.apiKey.updateMany({ where: { tenantId, id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) return null;
    const row = await tx.apiKey.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async exists(tenantId: string, id: string): Promise<boolean> {
    return (await this.prisma.apiKey.count({ where: { tenantId, id } })) > 0;
  }

  /** The one lookup that has no tenant yet: it is how a request finds its tenant. */
  async findForAuthentication(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }
}
