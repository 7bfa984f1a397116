import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { StoredPolicy } from '@/modules/decisions/compiled-policy-set';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import { storedPolicies } from './access-rules';

/** What the decision engine reads of the Cloudflare Access feature: its policies as stored rules, in the loader's snapshot. */
@Injectable()
export class AccessReads {
  constructor(
    private readonly apps: AccessAppsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly attachments: AccessAppPoliciesRepository,
  ) {}

  /** The Access policy's name; null when there is none with this id. */
  async policyName(tenantId: string, id: string): Promise<string | null> {
    return (await this.policies.find(tenantId, id))?.name ?? null;
  }

  /** Every Access rule's text (one per policy and application) with its policy's id: for checking a new schema. */
  async ruleTexts(tx: Tx, tenantId: string): Promise<{ id: string; policyId: string; text: string }[]> {
    return (await this.storedPolicies(tx, tenantId)).flatMap((p) => p.rules.map((r) => ({ id: r.id, policyId: p.id, text: r.policyText })));
  }

  async storedPolicies(tx: Tx, tenantId: string): Promise<StoredPolicy[]> {
    const attachments = await this.attachments.all(tx, tenantId);
    if (attachments.length === 0) return [];
    return storedPolicies(await this.apps.all(tx, tenantId), await this.policies.all(tx, tenantId), attachments);
  }
}
