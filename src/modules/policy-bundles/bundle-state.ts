import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { allowLongTransaction, PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { CedarSchemaRepository } from '@/modules/cedar-schema/cedar-schema.repository';
import { AccessReads } from '@/modules/cloudflare-access/access-reads';
import { EmailListsRepository } from '@/modules/email-lists/email-lists.repository';
import { EntitiesRepository } from '@/modules/entities/entities.repository';
import { GrantReads } from '@/modules/grants/grant-reads';
import { NotificationChannelsRepository } from '@/modules/notification-channels/notification-channels.repository';
import { PoliciesRepository } from '@/modules/policies/policies.repository';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import type { LiveState } from './bundle-draft';
import type { ImpactCandidate } from './bundle-evaluation';

/** What a plan reads: the tenant's objects and its active and pending grants, at one policy-set version. */
export interface Snapshot {
  live: LiveState;
  /** The active grants and pending requests in pages, read from the snapshot while they are iterated. */
  candidates: () => AsyncIterable<ImpactCandidate[]>;
}

/** Reads a tenant's live state for policy bundles, through the repositories that own each table. */
@Injectable()
export class BundleState {
  constructor(
    private readonly prisma: PrismaService,
    private readonly state: TenantStateRepository,
    private readonly policies: PoliciesRepository,
    private readonly lists: EmailListsRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly entities: EntitiesRepository,
    private readonly schemas: CedarSchemaRepository,
    private readonly grants: GrantReads,
    private readonly access: AccessReads,
  ) {}

  /** `use` runs inside one repeatable-read snapshot, which it may read grants from until it ends. */
  inSnapshot<T>(tenantId: string, use: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await allowLongTransaction(tx, 60_000);
        const version = (await this.state.find(tenantId, tx)).policyVersion;
        return use(await this.read(tx, tenantId, version));
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000 },
    );
  }

  /** Inside the caller's transaction, labelled with `version`. */
  async read(tx: Tx, tenantId: string, version: bigint): Promise<Snapshot> {
    const live: LiveState = {
      tenantId,
      version,
      policies: await this.policies.all(tx, tenantId),
      lists: await this.lists.all(tx, tenantId),
      channels: await this.channels.all(tx, tenantId),
      entities: await this.entities.all(tx, tenantId),
      schema: (await this.schemas.find(tenantId, tx))?.schema ?? null,
      accessPolicies: await this.access.storedPolicies(tx, tenantId),
      access: await this.access.sources(tx, tenantId),
    };
    return { live, candidates: () => this.grants.impactPages(tx, tenantId) };
  }
}
