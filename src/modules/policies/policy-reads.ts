import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { StoredPolicy } from '@/modules/decisions/compiled-policy-set';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import { AccessReads } from '@/modules/cloudflare-access/access-reads';
import { PoliciesRepository } from './policies.repository';

/**
 * What other modules may read of policies and rules (the policies feature owns those tables, PoliciesRepository is
 * the only code on them): the decision engine's snapshot, schema validation, references from lists and channels,
 * and the names notifications show.
 */
@Injectable()
export class PolicyReads {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly access: AccessReads,
  ) {}

  enabledWithRules(tx: Tx, tenantId: string): Promise<StoredPolicy[]> {
    return this.policies.enabledWithRules(tx, tenantId);
  }

  ruleTexts(tx: Tx, tenantId: string): Promise<{ id: string; policyId: string; text: string }[]> {
    return this.policies.ruleTexts(tx, tenantId);
  }

  usingEmailList(tx: Tx, tenantId: string, listId: string): Promise<{ id: string; name: string; approvalGroups: ApprovalGroup[] }[]> {
    return this.policies.usingEmailList(tx, tenantId, listId);
  }

  usingChannel(tx: Tx, tenantId: string, name: string): Promise<string[]> {
    return this.policies.usingChannel(tx, tenantId, name);
  }

  /** The policy's name; null when it no longer exists. */
  async name(tenantId: string, policyId: string): Promise<string | null> {
    return (await this.notificationSettings(tenantId, policyId))?.policyName ?? null;
  }

  /** A governing policy may also be a Cloudflare-style Access policy (PRODUCT.md section 15), which has no channel. */
  async notificationSettings(tenantId: string, policyId: string): Promise<{ policyName: string; channelName: string | null } | null> {
    const own = await this.policies.notificationSettings(tenantId, policyId);
    if (own) return own;
    const name = await this.access.policyName(tenantId, policyId);
    return name === null ? null : { policyName: name, channelName: null };
  }
}
