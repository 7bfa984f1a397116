import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { CedarSchemaValue } from '@/infra/cedar/cedar-types';

export interface SchemaRecord {
  schema: CedarSchemaValue;
  updatedAt: Date;
}

/** The only code on cedar_schemas. */
@Injectable()
export class CedarSchemaRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(tenantId: string, tx: Tx = this.prisma): Promise<SchemaRecord | null> {
    const row = await tx.cedarSchema.findUnique({ where: { tenantId } });
    return row ? { schema: row.schema as CedarSchemaValue, updatedAt: row.updatedAt } : null;
  }

  async put(tx: Tx, tenantId: string, schema: CedarSchemaValue): Promise<SchemaRecord> {
    const value = schema as Prisma.InputJsonValue;
    const row = await tx.cedarSchema.upsert({
      where: { tenantId },
      create: { tenantId, schema: value },
      update: { schema: value, updatedAt: new Date() },
    });
    return { schema: row.schema as CedarSchemaValue, updatedAt: row.updatedAt };
  }

  async delete(tx: Tx, tenantId: string): Promise<boolean> {
    return (await tx.cedarSchema.deleteMany({ where: { tenantId } })).count > 0;
  }
}
