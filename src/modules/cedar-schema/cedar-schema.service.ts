import { Injectable } from '@nestjs/common';
import { checkEntities, checkSchema, validateAgainstSchema } from '@/infra/cedar/cedar-checks';
import type { CedarEntity, CedarSchemaValue } from '@/infra/cedar/cedar-types';
import { formatUid } from '@/infra/cedar/cedar-text';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { DomainError, invalidInput, notFound } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { EntityReads } from '@/modules/entities/entity-reads';
import { PolicyReads } from '@/modules/policies/policy-reads';
import { AccessReads } from '@/modules/cloudflare-access/access-reads';
import { ACCESS_VALIDATION } from '@/modules/cloudflare-access/access-schema-check';
import { CedarSchemaRepository, SchemaRecord } from './cedar-schema.repository';

export interface SchemaView {
  schema: CedarSchemaValue;
  updated_at: string;
}

const toView = (record: SchemaRecord): SchemaView => ({ schema: record.schema, updated_at: record.updatedAt.toISOString() });
const LISTED = 100;

/** Entities that do not conform, each checked alone once the whole set has failed (at most LISTED). */
function offendingEntities(entities: CedarEntity[], schema: CedarSchemaValue): { uid: string; messages: string[] }[] {
  if (checkEntities(entities, schema).length === 0) return [];
  const offending: { uid: string; messages: string[] }[] = [];
  for (const entity of entities) {
    const messages = checkEntities([entity], schema);
    if (messages.length > 0) offending.push({ uid: formatUid(entity.uid), messages });
    if (offending.length >= LISTED) break;
  }
  return offending;
}

@Injectable()
export class CedarSchemaService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly schemas: CedarSchemaRepository,
    private readonly policies: PolicyReads,
    private readonly entities: EntityReads,
    private readonly audit: AuditRepository,
    private readonly access: AccessReads,
  ) {}

  async get(tenantId: string): Promise<SchemaView> {
    const record = await this.schemas.find(tenantId);
    if (!record) throw notFound('Cedar schema');
    return toView(record);
  }

  /** Installs the schema unless existing rules or entities violate it; those are listed in the refusal. */
  async put(tenantId: string, schema: CedarSchemaValue, actor: Actor): Promise<SchemaView> {
    const parseErrors = checkSchema(schema);
    if (parseErrors.length > 0) throw invalidInput('schema is not a valid Cedar schema', { field: 'schema' }, parseErrors);
    const record = await this.changes.commit(tenantId, async (tx) => {
      // Access policies' rules are the tenant's rules too (PRODUCT.md section 15): a schema must hold for them.
      const v1 = await this.policies.ruleTexts(tx, tenantId);
      const access = await this.access.ruleTexts(tx, tenantId);
      const rules = [...v1, ...access];
      const { schemaErrors, byRule } = validateAgainstSchema(schema, v1);
      for (const [id, messages] of validateAgainstSchema(schema, access, ACCESS_VALIDATION).byRule) byRule.set(id, messages);
      if (schemaErrors.length > 0) throw invalidInput('schema is not a valid Cedar schema', { field: 'schema' }, schemaErrors);
      const offendingRules = rules
        .filter((rule) => byRule.has(rule.id))
        .map((rule) => ({ rule_id: rule.id, policy_id: rule.policyId, messages: byRule.get(rule.id) as string[] }));
      const offendingEntitiesList = offendingEntities(await this.entities.all(tx, tenantId), schema);
      if (offendingRules.length > 0 || offendingEntitiesList.length > 0) {
        throw new DomainError(
          'conflict',
          `The schema is refused: ${offendingRules.length} rule(s) and ${offendingEntitiesList.length} entit(ies) do not conform to it`,
          { rules: offendingRules, entities: offendingEntitiesList },
          [...offendingRules, ...offendingEntitiesList].flatMap((item) => item.messages),
        );
      }
      const stored = await this.schemas.put(tx, tenantId, schema);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'schema.updated',
        targetType: 'schema',
        targetId: tenantId,
        data: { format: typeof schema === 'string' ? 'cedar' : 'json', schema },
      });
      return stored;
    });
    return toView(record);
  }

  async remove(tenantId: string, actor: Actor): Promise<void> {
    await this.changes.commit(tenantId, async (tx) => {
      if (!(await this.schemas.delete(tx, tenantId))) throw notFound('Cedar schema');
      await this.audit.append(tx, tenantId, { actor, action: 'schema.deleted', targetType: 'schema', targetId: tenantId, data: {} });
    });
  }
}
