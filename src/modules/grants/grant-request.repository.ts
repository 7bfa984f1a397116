import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { StagedEvent } from '@/modules/audit/audit-chain';
import { stageSql } from '@/modules/audit/audit-pending.repository';
import { sharedLockSql, TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { addOutboxSql, PendingEffectRow } from './grant-effects.repository';
import { GrantRow, toGrantRecord } from './grant.mapper';
import type { GrantRecord, NewGrant } from './grant.types';
import { accessLockSql } from './access-triple';
import { insertGrantSql } from './grants.repository';
import { saveResponseSql, StoredResponse } from './idempotency.repository';

/** What storing a new grant request writes. */
export interface NewGrantWrite {
  grant: NewGrant;
  /** Take the grant's access lock first (a grant that starts access). */
  lockAccess: boolean;
  /** The policy set version the decision was made on: nothing is written unless it is the committed one. */
  policySetVersion: bigint;
  idempotency: { key: string; response: StoredResponse } | null;
  /** Its audit events, staged in this order. */
  events: StagedEvent[];
  /** Its outbox rows. */
  outbox: PendingEffectRow[];
}

export type NewGrantResult =
  | { outcome: 'stored'; grant: GrantRecord }
  | { outcome: 'stale' }
  /** A fresh record for the idempotency key exists (a concurrent first request won): nothing was written. */
  | { outcome: 'key_taken' };

type ResultRow = Partial<GrantRow> & { committed_version: bigint | null };

/**
 * A new grant request in one statement (autocommit, one round trip), composed of each table's SQL from its
 * repository: the triple's access lock, then the share lock on the tenant's counters, then, only when the
 * decision's policy set is the committed one and the idempotency key (if any) is saved, the grant, its staged
 * audit events and its outbox rows. The same locks in the same order as the transaction it replaces, held until
 * the statement commits; the data-modifying parts all read the gate, so they wait for the locks and write all or
 * nothing.
 */
@Injectable()
export class GrantRequestRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly state: TenantStateRepository,
  ) {}

  async store(tenantId: string, write: NewGrantWrite): Promise<NewGrantResult> {
    let [row] = await this.prisma.raw.$queryRaw<ResultRow[]>(this.statement(tenantId, write));
    if (row.committed_version === null) {
      // A tenant without a counters row (never changed anything): create it, so that there is a row to lock.
      await this.state.ensure(tenantId);
      [row] = await this.prisma.raw.$queryRaw<ResultRow[]>(this.statement(tenantId, write));
    }
    if (row.committed_version !== write.policySetVersion) return { outcome: 'stale' };
    if (!row.id) return { outcome: 'key_taken' };
    return { outcome: 'stored', grant: toGrantRecord({ ...(row as GrantRow), approvals: [], extensions: [] }) };
  }

  private statement(tenantId: string, write: NewGrantWrite): Prisma.Sql {
    const { grant, idempotency } = write;
    const ctes: Prisma.Sql[] = [];
    let lockedFirst = Prisma.sql`true`;
    if (write.lockAccess) {
      ctes.push(Prisma.sql`access AS (${accessLockSql(tenantId, [grant])})`);
      // A scalar subquery of the WHERE: evaluated before the counters row is read, let alone locked.
      lockedFirst = Prisma.sql`(SELECT locked FROM access) IS NOT NULL`;
    }
    ctes.push(Prisma.sql`counters AS (${sharedLockSql(tenantId, lockedFirst)})`);
    ctes.push(Prisma.sql`current_set AS (SELECT 1 FROM counters WHERE policy_version = ${write.policySetVersion.toString()}::bigint)`);
    let gate = Prisma.raw('current_set');
    if (idempotency) {
      ctes.push(Prisma.sql`saved AS (${saveResponseSql(tenantId, idempotency.key, idempotency.response, gate)})`);
      gate = Prisma.raw('saved');
    }
    ctes.push(Prisma.sql`created AS (${insertGrantSql(tenantId, grant, gate)})`);
    ctes.push(Prisma.sql`staged AS (${stageSql(tenantId, write.events, gate)})`);
    if (write.outbox.length > 0) ctes.push(Prisma.sql`outbox AS (${addOutboxSql(write.outbox, gate)})`);
    return Prisma.sql`
      WITH ${Prisma.join(ctes, ',\n')}
      SELECT counters.policy_version AS committed_version, created.*
      FROM (SELECT 1) AS one LEFT JOIN counters ON true LEFT JOIN created ON true`;
  }
}
