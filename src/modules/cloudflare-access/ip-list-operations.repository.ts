import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';

/** The only code on ip_list_operations: the ids item writes answer, for Cloudflare's bulk-operation status. */
@Injectable()
export class IpListOperationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, id: string, listId: string): Promise<Date> {
    return (await tx.ipListOperation.create({ data: { id, tenantId, listId } })).completedAt;
  }

  find(tenantId: string, id: string): Promise<{ id: string; completedAt: Date } | null> {
    return this.prisma.ipListOperation.findFirst({ where: { tenantId, id }, select: { id: true, completedAt: true } });
  }
}
