import { Injectable } from '@nestjs/common';
import { checkEntities } from '@/infra/cedar/cedar-checks';
import type { CedarEntity, EntityUid } from '@/infra/cedar/cedar-types';
import { formatUid, isEntityType } from '@/infra/cedar/cedar-text';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { invalidInput, notFound } from '@/common/errors/domain-error';
import type { Page } from '@/common/http/pagination';
import { pageSize } from '@/common/http/pagination';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { SchemaReads } from '@/modules/cedar-schema/schema-reads';
import type { ListEntitiesQuery } from './dto/list-entities.dto';
import type { UpsertEntityDto } from './dto/upsert-entity.dto';
import { decodeEntityCursor, encodeEntityCursor } from './entity-cursor';
import { EntityView, toEntityView } from './entity.types';
import { EntitiesRepository } from './entities.repository';

const uidOf = (uid: EntityUid): EntityUid => ({ type: uid.type, id: uid.id });

@Injectable()
export class EntitiesService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly entities: EntitiesRepository,
    private readonly schemas: SchemaReads,
    private readonly audit: AuditRepository,
  ) {}

  /** Creates or replaces each entity (attributes and parents as given); checked by Cedar, and by the schema if any. */
  async upsert(tenantId: string, items: UpsertEntityDto[], actor: Actor): Promise<{ data: EntityView[] }> {
    const batch: CedarEntity[] = items.map((item) => ({ uid: uidOf(item.uid), attrs: item.attrs ?? {}, parents: (item.parents ?? []).map(uidOf) }));
    const seen = new Set<string>();
    batch.forEach((entity, index) => {
      const key = formatUid(entity.uid);
      if (seen.has(key)) throw invalidInput(`[${index}].uid ${key} appears twice in the batch`, { field: `[${index}].uid` });
      seen.add(key);
    });
    if (batch.length === 0) return { data: [] };
    const stored = await this.changes.commit(tenantId, async (tx) => {
      const schema = await this.schemas.find(tenantId, tx);
      const notices = checkEntities(batch, schema?.schema ?? null);
      if (notices.length > 0) {
        throw invalidInput(schema ? 'Entities do not conform to the tenant\'s Cedar schema' : 'Entities are not valid Cedar entities', { field: 'body' }, notices);
      }
      const records = await this.entities.upsert(tx, tenantId, batch);
      for (const entity of batch) {
        await this.audit.append(tx, tenantId, {
          actor,
          action: 'entity.upserted',
          targetType: 'entity',
          targetId: formatUid(entity.uid),
          data: { uid: entity.uid, attrs: entity.attrs, parents: entity.parents },
        });
      }
      return records;
    });
    return { data: stored.map(toEntityView) };
  }

  async list(tenantId: string, query: ListEntitiesQuery): Promise<Page<EntityView>> {
    const limit = pageSize(query);
    const rows = await this.entities.list(tenantId, query.type, limit + 1, decodeEntityCursor(query.cursor));
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return { data: shown.map(toEntityView), next_cursor: rows.length > limit && last ? encodeEntityCursor(last.uid) : null };
  }

  async remove(tenantId: string, type: string, id: string, actor: Actor): Promise<void> {
    if (!isEntityType(type)) throw invalidInput('type must be a Cedar entity type name like User or Acme::Host', { field: 'type' });
    await this.changes.commit(tenantId, async (tx) => {
      const removed = await this.entities.delete(tx, tenantId, { type, id });
      if (!removed) throw notFound('Entity');
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'entity.deleted',
        targetType: 'entity',
        targetId: formatUid(removed.uid),
        data: { uid: removed.uid, attrs: removed.attrs, parents: removed.parents },
      });
    });
  }
}
