import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { checkPolicyBody } from './access-bodies';
import { AccessPolicyWriter } from './access-policy-writer';
import type { PolicyView } from './access-views';
import { Envelope, envelope, PageParams, pageOf, paging, ResultInfo } from './envelope';

/** Reusable policies, `/accounts/{account_id}/access/policies` (PRODUCT.md section 15), applied through an app's `policies`. */
@Injectable()
export class ReusablePoliciesService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly writer: AccessPolicyWriter,
  ) {}

  async create(tenantId: string, body: unknown, actor: Actor): Promise<Envelope<PolicyView>> {
    const input = checkPolicyBody(body, false);
    const id = randomUUID();
    const policy = await this.changes.commit(tenantId, async (tx) => {
      const created = await this.writer.policies.create(tx, tenantId, id, null, await this.writer.data(tx, tenantId, input));
      await this.writer.record(tx, tenantId, actor, 'access_policy.created', created, { reusable: true });
      return created;
    });
    return envelope(await this.writer.view(tenantId, policy, { appCount: true }));
  }

  async list(tenantId: string, query: PageParams): Promise<Envelope<PolicyView[]> & { result_info: ResultInfo }> {
    const { page, perPage, skip } = paging(query);
    const { rows, total } = await this.writer.policies.pageReusable(tenantId, skip, perPage);
    return pageOf(await Promise.all(rows.map((p) => this.writer.view(tenantId, p, { appCount: true }))), total, page, perPage);
  }

  async get(tenantId: string, id: string): Promise<Envelope<PolicyView>> {
    const policy = await this.writer.policies.find(tenantId, id);
    if (!policy || policy.ownerAppId !== null) throw notFound('Access policy');
    return envelope(await this.writer.view(tenantId, policy, { appCount: true }));
  }

  /** PUT replaces the policy; every application using it is decided by the new version at once. */
  async replace(tenantId: string, id: string, body: unknown, actor: Actor): Promise<Envelope<PolicyView>> {
    const input = checkPolicyBody(body, false);
    const policy = await this.changes.commit(tenantId, async (tx) => {
      await this.reusable(tx, tenantId, id);
      const updated = await this.writer.policies.replace(tx, tenantId, id, await this.writer.data(tx, tenantId, input));
      await this.writer.record(tx, tenantId, actor, 'access_policy.updated', updated, { reusable: true });
      return updated;
    });
    return envelope(await this.writer.view(tenantId, policy, { appCount: true }));
  }

  /** A reusable policy still applied to an application is `409 conflict` (remove it from the app's policies first). */
  async remove(tenantId: string, id: string, actor: Actor): Promise<Envelope<{ id: string }>> {
    const effects = await this.changes.commit(tenantId, async (tx) => {
      const policy = await this.reusable(tx, tenantId, id);
      const apps = await this.writer.attachments.ofPolicy(tenantId, id, tx);
      if (apps.length > 0) throw conflict('The policy is applied to applications', { app_ids: apps.map((a) => a.appId) });
      return this.writer.delete(tx, tenantId, policy, actor);
    });
    await this.writer.committed(effects);
    return envelope({ id });
  }

  private async reusable(tx: Tx, tenantId: string, id: string) {
    const policy = await this.writer.policies.find(tenantId, id, tx);
    if (!policy || policy.ownerAppId !== null) throw notFound('Access policy');
    return policy;
  }
}
