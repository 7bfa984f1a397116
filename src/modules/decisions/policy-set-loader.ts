import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { SchemaReads } from '@/modules/cedar-schema/schema-reads';
import { EntityReads } from '@/modules/entities/entity-reads';
import { AccessReads } from '@/modules/cloudflare-access/access-reads';
import { PolicyReads } from '@/modules/policies/policy-reads';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import type { PolicySetData } from './compiled-policy-set';

/**
 * Reads what a tenant's decisions depend on (enabled policies and rules, Cloudflare-style Access policies, entities, schema) from the modules that
 * own them, in one repeatable-read snapshot labelled with its policy-set version.
 */
@Injectable()
export class PolicySetLoader {
  constructor(
    private readonly prisma: PrismaService,
    private readonly state: TenantStateRepository,
    private readonly policies: PolicyReads,
    private readonly entities: EntityReads,
    private readonly schemas: SchemaReads,
    private readonly access: AccessReads,
  ) {}

  load(tenantId: string): Promise<PolicySetData> {
    return this.prisma.$transaction(
      async (tx) => ({
        tenantId,
        version: (await this.state.find(tenantId, tx)).policyVersion,
        // /v1 policies, then the Cloudflare-style ones, whose tiers all lie below every /v1 priority.
        policies: [...(await this.policies.enabledWithRules(tx, tenantId)), ...(await this.access.storedPolicies(tx, tenantId))],
        entities: await this.entities.all(tx, tenantId),
        schema: (await this.schemas.find(tenantId, tx))?.schema ?? null,
      }),
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  }
}
