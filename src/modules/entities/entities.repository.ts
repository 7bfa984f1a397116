import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { CedarEntity, EntityUid } from '@/infra/cedar/cedar-types';
import type { EntityCursor } from './entity-cursor';
import type { EntityRecord } from './entity.types';

type Row = { type: string; entityId: string; attrs: unknown; parents: unknown; updatedAt: Date };
const toRecord = (row: Row): EntityRecord => ({
  uid: { type: row.type, id: row.entityId },
  attrs: (row.attrs ?? {}) as Record<string, unknown>,
  parents: (row.parents ?? []) as EntityUid[],
  updatedAt: row.updatedAt,
});

/** The only code on entities. */
@Injectable()
export class EntitiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One statement for the whole batch; uids must be distinct within it. */
  async upsert(tx: Tx, tenantId: string, entities: CedarEntity[]): Promise<EntityRecord[]> {
    const rows = JSON.stringify(entities.map((e) => ({ type: e.uid.type, id: e.uid.id, attrs: e.attrs, parents: e.parents })));
    const stored = await tx.$queryRaw<{ type: string; entity_id: string; attrs: unknown; parents: unknown; updated_at: Date }[]>`
      INSERT INTO entities (tenant_id, type, entity_id, attrs, parents, updated_at)
      SELECT ${tenantId}::uuid, x.type, x.id, x.attrs, x.parents, now()
      FROM jsonb_to_recordset(${rows}::jsonb) AS x(type text, id text, attrs jsonb, parents jsonb)
      ON CONFLICT (tenant_id, type, entity_id)
      DO UPDATE SET attrs = EXCLUDED.attrs, parents = EXCLUDED.parents, updated_at = EXCLUDED.updated_at
      RETURNING type, entity_id, attrs, parents, updated_at`;
    return stored.map((row) => toRecord({ type: row.type, entityId: row.entity_id, attrs: row.attrs, parents: row.parents, updatedAt: row.updated_at }));
  }

  async list(tenantId: string, type: string | undefined, limit: number, after?: EntityCursor): Promise<EntityRecord[]> {
    const rows = await this.prisma.entity.findMany({
      where: {
        tenantId,
        ...(type !== undefined && { type }),
        ...(after && { OR: [{ type: { gt: after.type } }, { type: after.type, entityId: { gt: after.id } }] }),
      },
      orderBy: [{ type: 'asc' }, { entityId: 'asc' }],
      take: limit,
    });
    return rows.map(toRecord);
  }

  async delete(tx: Tx, tenantId: string, uid: EntityUid): Promise<EntityRecord | null> {
    const row = await tx.entity.findUnique({ where: { tenantId_type_entityId: { tenantId, type: uid.type, entityId: uid.id } } });
    if (!row) return null;
    await tx.entity.delete({ where: { tenantId_type_entityId: { tenantId, type: uid.type, entityId: uid.id } } });
    return toRecord(row);
  }

  /** Every entity of the tenant in Cedar's JSON entity format (the engine's snapshot, schema validation). */
  async all(tx: Tx, tenantId: string): Promise<CedarEntity[]> {
    const rows = await tx.entity.findMany({ where: { tenantId } });
    return rows.map((row) => {
      const { uid, attrs, parents } = toRecord(row);
      return { uid, attrs, parents };
    });
  }
}
