import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';

/** A tenant's change counters (table tenant_state); all zero for a tenant that never changed anything. */
export interface TenantCounters {
  policyVersion: bigint;
  grantRevocations: bigint;
  keyRevocations: bigint;
}

export const ZERO_COUNTERS: TenantCounters = { policyVersion: 0n, grantRevocations: 0n, keyRevocations: 0n };

type Counter = 'policy_version' | 'grant_revocations' | 'key_revocations';

/**
 * lockShared's SELECT as one statement's SQL (column `policy_version`; no row for a tenant without one, see
 * `ensure`): `after` is a condition evaluated before the row is locked (locks that must come first).
 */
export const sharedLockSql = (tenantId: string, after: Prisma.Sql = Prisma.sql`true`): Prisma.Sql =>
  Prisma.sql`SELECT policy_version FROM tenant_state WHERE tenant_id = ${tenantId}::uuid AND ${after} FOR SHARE`;

/**
 * The only code on tenant_state. Each counter is bumped inside the transaction of the change it counts, which
 * also takes the row lock: changes of one tenant that bump it are ordered, and a value a reader sees implies that
 * every change up to it has committed.
 */
@Injectable()
export class TenantStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  bumpPolicyVersion(tx: Tx, tenantId: string): Promise<bigint> {
    return this.bump(tx, tenantId, 'policy_version');
  }

  bumpGrantRevocations(tx: Tx, tenantId: string): Promise<bigint> {
    return this.bump(tx, tenantId, 'grant_revocations');
  }

  bumpKeyRevocations(tx: Tx, tenantId: string): Promise<bigint> {
    return this.bump(tx, tenantId, 'key_revocations');
  }

  /**
   * The counters, with a share lock on the row until `tx` ends: a decision made inside `tx` cannot commit after a
   * policy change it did not see (the change waits, or the decision sees its version). Creates the row if missing.
   */
  async lockShared(tx: Tx, tenantId: string): Promise<TenantCounters> {
    const select = () => tx.$queryRaw<{ policy_version: bigint; grant_revocations: bigint; key_revocations: bigint }[]>`
      SELECT policy_version, grant_revocations, key_revocations FROM tenant_state WHERE tenant_id = ${tenantId}::uuid FOR SHARE`;
    // The row almost always exists: one statement then, two more only for a tenant that never had one.
    let [row] = await select();
    if (!row) {
      await this.ensure(tenantId, tx);
      [row] = await select();
    }
    return { policyVersion: row.policy_version, grantRevocations: row.grant_revocations, keyRevocations: row.key_revocations };
  }

  /** Creates the tenant's row (all zero) if it has none, so that there is a row to lock. */
  async ensure(tenantId: string, tx: Tx = this.prisma): Promise<void> {
    await tx.$executeRaw`INSERT INTO tenant_state (tenant_id) VALUES (${tenantId}::uuid) ON CONFLICT (tenant_id) DO NOTHING`;
  }

  async find(tenantId: string, tx: RawTx = this.prisma.raw): Promise<TenantCounters> {
    const [row] = await tx.$queryRaw<{ policy_version: bigint; grant_revocations: bigint; key_revocations: bigint }[]>`
      SELECT policy_version, grant_revocations, key_revocations FROM tenant_state WHERE tenant_id = ${tenantId}::uuid`;
    return row ? { policyVersion: row.policy_version, grantRevocations: row.grant_revocations, keyRevocations: row.key_revocations } : ZERO_COUNTERS;
  }

  /** Counters of several tenants in one query; tenants without a row are absent (all zero). */
  async findMany(tenantIds: string[]): Promise<Map<string, TenantCounters>> {
    // One array parameter, not one per tenant: the change feed asks this for every cached tenant once a second.
    const rows = await this.prisma.raw.$queryRaw<{ tenant_id: string; policy_version: bigint; grant_revocations: bigint; key_revocations: bigint }[]>`
      SELECT tenant_id::text, policy_version, grant_revocations, key_revocations FROM tenant_state WHERE tenant_id = ANY(${tenantIds}::uuid[])`;
    return new Map(rows.map((row) => [row.tenant_id, { policyVersion: row.policy_version, grantRevocations: row.grant_revocations, keyRevocations: row.key_revocations }]));
  }

  private async bump(tx: Tx, tenantId: string, counter: Counter): Promise<bigint> {
    const [row] = await tx.$queryRawUnsafe<{ value: bigint }[]>(
      `INSERT INTO tenant_state (tenant_id, ${counter}) VALUES ($1::uuid, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET ${counter} = tenant_state.${counter} + 1
       RETURNING ${counter} AS value`,
      tenantId,
    );
    return row.value;
  }
}
