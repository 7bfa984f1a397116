import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { toCedarEntity, toStoredRule } from '@/modules/decisions/policy-set.repository';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { CedarEntity, CedarSchemaValue } from '@/infra/cedar/cedar-types';

export interface SchemaRecord {
  schema: CedarSchemaValue;
  updatedAt: Date;
}

export interface RuleText {
  id: string;
  policyId: string;
  text: string;
}

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

  /** Every rule of the tenant, enabled policies or not: a schema must hold for rules that may be enabled later. */
  async ruleTexts(tx: Tx, tenantId: string): Promise<RuleText[]> {
    const rows = await tx.rule.findMany({ where: { tenantId }, orderBy: [{ policyId: 'asc' }, { ordinal: 'asc' }] });
    return rows.map((row) => ({ id: row.id, policyId: row.policyId, text: toStoredRule(row).policyText }));
  }

  async entities(tx: Tx, tenantId: string): Promise<CedarEntity[]> {
    return (await tx.entity.findMany({ where: { tenantId } })).map(toCedarEntity);
  }
}
