import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { StoredPolicy } from '@/modules/decisions/compiled-policy-set';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import type { AccessSources } from './access-draft';
import { AccessGroupsRepository } from './access-groups.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import { IpListItemsRepository } from './ip-list-items.repository';
import { storedPolicies } from './access-rules';

/** What the decision engine reads of the Cloudflare Access feature: its policies as stored rules, in the loader's snapshot. */
@Injectable()
export class AccessReads {
  constructor(
    private readonly apps: AccessAppsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly attachments: AccessAppPoliciesRepository,
    private readonly groups: AccessGroupsRepository,
    private readonly ipItems: IpListItemsRepository,
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

  /** What the tenant's Access policies compile from, for a draft that changes email lists (see accessPoliciesWithLists). */
  async sources(tx: Tx, tenantId: string): Promise<AccessSources> {
    const attachments = await this.attachments.all(tx, tenantId);
    if (attachments.length === 0) return { apps: [], policies: [], attachments: [], groups: new Map(), ipLists: new Map() };
    const policies = await this.policies.all(tx, tenantId);
    // IP lists are not part of bundles: a recompiled policy inlines their stored items (ipListIds counts the lists
    // named through groups too).
    const ipListIds = [...new Set(policies.flatMap((p) => p.ipListIds))];
    return { apps: await this.apps.all(tx, tenantId), policies, attachments, groups: await this.groups.all(tx, tenantId), ipLists: await this.ipItems.itemsOf(tx, tenantId, ipListIds) };
  }
}
