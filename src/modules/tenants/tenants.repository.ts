import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { Cursor } from '@/common/http/pagination';
import { afterCursor } from '@/infra/prisma/keyset';

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** Tenants are the one table above tenancy: the operator's view. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tx: Tx, name: string): Promise<TenantRecord> {
    return tx.tenant.create({ data: { name } });
  }

  find(id: string): Promise<TenantRecord | null> {
    return this.prisma.tenant.findUnique({ where: { id } });
  }

  list(limit: number, after?: Cursor): Promise<TenantRecord[]> {
    return this.prisma.tenant.findMany({
      where: afterCursor(after),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }
}
