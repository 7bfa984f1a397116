import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { POLICY_SET_TOPIC, PolicyVersionRepository } from './policy-version.repository';

/**
 * Runs a change to what decisions depend on (policies, rules, entities, schema). The version is bumped first, so
 * the tenant's row lock orders concurrent changes (a schema and a rule cannot be checked against each other's old
 * state), and every engine drops the tenant's compiled rules once the change has committed.
 */
@Injectable()
export class PolicySetChanges {
  constructor(
    private readonly prisma: PrismaService,
    private readonly versions: PolicyVersionRepository,
    private readonly bus: InvalidationBus,
  ) {}

  async commit<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.prisma.$transaction(
      async (tx) => {
        await this.versions.bump(tx, tenantId);
        return work(tx);
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    await this.bus.publish({ topic: POLICY_SET_TOPIC, tenantId });
    return result;
  }
}
