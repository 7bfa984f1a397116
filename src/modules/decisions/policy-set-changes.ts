import { Injectable } from '@nestjs/common';
import { allowLongTransaction, PrismaService, Tx } from '@/infra/prisma/prisma.service';

/** A policy-set change may validate and compile much inside its transaction. */
const LONG_TRANSACTION_MS = 60_000;
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';

/**
 * Runs a change to what decisions depend on (policies, rules, entities, schema). The version is bumped first, so
 * the tenant's row lock orders concurrent changes (a schema and a rule cannot be checked against each other's old
 * state), and every engine drops the tenant's compiled rules once the change has committed: at once in this
 * process and over Redis in the others, and within the propagation bound through the change feed regardless.
 * `work` gets the new policy-set version.
 */
@Injectable()
export class PolicySetChanges {
  constructor(
    private readonly prisma: PrismaService,
    private readonly state: TenantStateRepository,
    private readonly bus: InvalidationBus,
  ) {}

  async commit<T>(tenantId: string, work: (tx: Tx, version: bigint) => Promise<T>, after?: (result: T) => Promise<void>): Promise<T> {
    const result = await this.prisma.$transaction(
      async (tx) => {
        await allowLongTransaction(tx, LONG_TRANSACTION_MS);
        const version = await this.state.bumpPolicyVersion(tx, tenantId);
        return work(tx, version);
      },
      { timeout: LONG_TRANSACTION_MS, maxWait: 10_000 },
    );
    await this.bus.publish({ topic: 'policy-set', tenantId });
    if (after) await after(result);
    return result;
  }
}
