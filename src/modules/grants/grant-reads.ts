import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { GrantRecord } from './grant.types';
import { AccessTriple, GrantsRepository, ImpactRow } from './grants.repository';

/** What other modules may read of grants: the access check's cache, the notification handlers, the metrics. */
@Injectable()
export class GrantReads {
  constructor(private readonly grants: GrantsRepository) {}

  find(tenantId: string, id: string): Promise<GrantRecord | null> {
    return this.grants.find(tenantId, id);
  }

  /** Active grants of a tenant (inside the caller's snapshot). */
  listActive(tenantId: string, tx: Tx): Promise<GrantRecord[]> {
    return this.grants.listActive(tenantId, tx);
  }

  revokedSince(tenantId: string, after: bigint): Promise<(GrantRecord & { revokeSeq: bigint })[]> {
    return this.grants.revokedSince(tenantId, after);
  }

  findActiveFor(tenantId: string, triple: AccessTriple, now: Date): Promise<GrantRecord | null> {
    return this.grants.findActiveFor(tenantId, triple, now);
  }

/** Active grants and pending requests, for a policy bundle's impact (inside the caller's snapshot). */
  impactCandidates(tx: Tx, tenantId: string): Promise<ImpactRow[]> {
    return this.grants.impactCandidates(tx, tenantId);
  }

    countByStatus(): Promise<Record<string, number>> {
    return this.grants.countByStatus();
  }
}
