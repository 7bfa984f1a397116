import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';

export const POLICY_SET_TOPIC = 'policy-set';

/**
 * A tenant's policy-set version: bumped in the same transaction as any change to policies, rules, entities or the
 * schema. After commit, publish `{topic: POLICY_SET_TOPIC, tenantId}` on the InvalidationBus.
 */
@Injectable()
export class PolicyVersionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async bump(tx: Tx, tenantId: string): Promise<bigint> {
    const [row] = await tx.$queryRaw<{ policy_version: bigint }[]>`
      INSERT INTO tenant_state (tenant_id, policy_version) VALUES (${tenantId}::uuid, 1)
      ON CONFLICT (tenant_id) DO UPDATE SET policy_version = tenant_state.policy_version + 1
      RETURNING policy_version`;
    return row.policy_version;
  }

  async current(tenantId: string): Promise<bigint> {
    const row = await this.prisma.tenantState.findUnique({ where: { tenantId } });
    return row?.policyVersion ?? 0n;
  }
}
