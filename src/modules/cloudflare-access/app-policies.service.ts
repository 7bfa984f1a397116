import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, invalidInput, notFound } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { checkPolicyBody } from './access-bodies';
import { AccessPolicyWriter } from './access-policy-writer';
import type { AccessPolicyRecord } from './access.types';
import type { PolicyView } from './access-views';
import { Envelope, envelope, PageParams, pageOf, paging, ResultInfo } from './envelope';

/**
 * Application-scoped policies, `/{accounts|zones}/{id}/access/apps/{app_id}/policies` (PRODUCT.md section 15). An
 * app holds either app-scoped or reusable policies (Cloudflare documents them as exclusive); precedence is unique
 * per app (`409`).
 */
@Injectable()
export class AppPoliciesService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly writer: AccessPolicyWriter,
  ) {}

  async create(tenantId: string, appId: string, body: unknown, actor: Actor): Promise<Envelope<PolicyView>> {
    const input = checkPolicyBody(body, true);
    const id = randomUUID();
    const policy = await this.changes.commit(tenantId, async (tx) => {
      if (!(await this.writer.apps.lock(tx, tenantId, appId))) throw notFound('Access application');
      const attached = await this.writer.attachments.ofApp(tenantId, appId, tx);
      const reusable = (await this.writer.policies.findMany(tenantId, attached.map((a) => a.policyId), tx)).filter((p) => p.ownerAppId === null);
      if (reusable.length > 0) throw conflict('The application uses reusable policies; app-scoped policies cannot be added to it', { policy_ids: reusable.map((p) => p.id) });
      const precedence = input.precedence ?? Math.max(0, ...attached.map((a) => a.precedence)) + 1;
      const created = await this.writer.policies.create(tx, tenantId, id, appId, await this.writer.data(tx, tenantId, input));
      await this.writer.attachments.create(tx, tenantId, { id: randomUUID(), appId, policyId: id, precedence });
      await this.writer.record(tx, tenantId, actor, 'access_policy.created', created, { app_id: appId, precedence });
      return created;
    });
    return envelope(await this.writer.view(tenantId, policy, { appId }));
  }

  /** Both the app's own and the reusable policies it uses, by precedence. */
  async list(tenantId: string, appId: string, query: PageParams): Promise<Envelope<PolicyView[]> & { result_info: ResultInfo }> {
    const { page, perPage, skip } = paging(query);
    if (!(await this.writer.apps.find(tenantId, appId))) throw notFound('Access application');
    const attached = await this.writer.attachments.ofApp(tenantId, appId);
    const slice = attached.slice(skip, skip + perPage);
    const policies = await this.writer.policies.findMany(tenantId, slice.map((a) => a.policyId));
    const byId = new Map(policies.map((p) => [p.id, p]));
    const views = await Promise.all(slice.filter((a) => byId.has(a.policyId)).map((a) => this.writer.view(tenantId, byId.get(a.policyId) as AccessPolicyRecord, { appId })));
    return pageOf(views, attached.length, page, perPage);
  }

  async get(tenantId: string, appId: string, policyId: string): Promise<Envelope<PolicyView>> {
    const attached = (await this.writer.attachments.ofApp(tenantId, appId)).find((a) => a.policyId === policyId);
    const policy = attached ? await this.writer.policies.find(tenantId, policyId) : null;
    if (!policy) throw notFound('Access policy');
    return envelope(await this.writer.view(tenantId, policy, { appId }));
  }

  /** PUT replaces the policy (and its precedence when sent); a reusable policy is changed at /access/policies. */
  async replace(tenantId: string, appId: string, policyId: string, body: unknown, actor: Actor): Promise<Envelope<PolicyView>> {
    const input = checkPolicyBody(body, true);
    const policy = await this.changes.commit(tenantId, async (tx) => {
      const { attachment } = await this.owned(tx, tenantId, appId, policyId);
      const updated = await this.writer.policies.replace(tx, tenantId, policyId, await this.writer.data(tx, tenantId, input));
      if (input.precedence !== undefined && input.precedence !== attachment.precedence) await this.writer.attachments.setPrecedence(tx, tenantId, attachment.id, input.precedence);
      await this.writer.record(tx, tenantId, actor, 'access_policy.updated', updated, { app_id: appId, precedence: input.precedence ?? attachment.precedence });
      return updated;
    });
    return envelope(await this.writer.view(tenantId, policy, { appId }));
  }

  async remove(tenantId: string, appId: string, policyId: string, actor: Actor): Promise<Envelope<{ id: string }>> {
    const effects = await this.changes.commit(tenantId, async (tx) => this.writer.delete(tx, tenantId, (await this.owned(tx, tenantId, appId, policyId)).policy, actor));
    await this.writer.committed(effects);
    return envelope({ id: policyId });
  }

  /** The policy stops belonging to the app: it becomes reusable and stays applied to the app at its precedence. */
  async makeReusable(tenantId: string, appId: string, policyId: string, actor: Actor): Promise<Envelope<PolicyView>> {
    const policy = await this.changes.commit(tenantId, async (tx) => {
      await this.owned(tx, tenantId, appId, policyId);
      const updated = await this.writer.policies.replace(tx, tenantId, policyId, { ownerAppId: null });
      await this.writer.record(tx, tenantId, actor, 'access_policy.made_reusable', updated, { app_id: appId });
      return updated;
    });
    return envelope(await this.writer.view(tenantId, policy, { appId }));
  }

  private async owned(tx: Tx, tenantId: string, appId: string, policyId: string) {
    if (!(await this.writer.apps.lock(tx, tenantId, appId))) throw notFound('Access application');
    const attachment = (await this.writer.attachments.ofApp(tenantId, appId, tx)).find((a) => a.policyId === policyId);
    const policy = attachment ? await this.writer.policies.find(tenantId, policyId, tx) : null;
    if (!attachment || !policy) throw notFound('Access policy');
    if (policy.ownerAppId !== appId) throw invalidInput('This is a reusable policy: change it at /accounts/{account_id}/access/policies/{policy_id}', { fields: { '/policy_id': ['names a reusable policy'] } });
    return { attachment, policy };
  }
}
