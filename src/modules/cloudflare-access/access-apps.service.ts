import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, invalidInput, notFound } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { Actor } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { PolicySetChanges } from '@/modules/decisions/policy-set-changes';
import { AppInput, checkAppBody } from './app-body';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import type { AccessAppRecord } from './access.types';
import { AppView, toAppView } from './access-views';
import { Envelope, envelope, PageParams, pageOf, paging, ResultInfo } from './envelope';
import { cloudflareOrder } from './access-rules';

/** Access applications (PRODUCT.md section 15): the resource App::"<id>"; reusable policies are applied through `policies`. */
@Injectable()
export class AccessAppsService {
  constructor(
    private readonly changes: PolicySetChanges,
    private readonly apps: AccessAppsRepository,
    private readonly policies: AccessPoliciesRepository,
    private readonly attachments: AccessAppPoliciesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(tenantId: string, body: unknown, actor: Actor): Promise<Envelope<AppView>> {
    const input = checkAppBody(body);
    const id = randomUUID();
    const app = await this.changes.commit(tenantId, async (tx) => {
      const created = await this.apps.create(tx, tenantId, id, input);
      await this.attach(tx, tenantId, id, input.policies ?? []);
      await this.audit.append(tx, tenantId, { actor, action: 'access_app.created', targetType: 'access_app', targetId: id, data: { name: input.name, domain: input.domain, policies: input.policies ?? [] } });
      return created;
    });
    return envelope(await this.view(tenantId, app));
  }

  async list(tenantId: string, query: PageParams): Promise<Envelope<AppView[]> & { result_info: ResultInfo }> {
    const { page, perPage, skip } = paging(query);
    const { rows, total } = await this.apps.page(tenantId, skip, perPage);
    return pageOf(await Promise.all(rows.map((app) => this.view(tenantId, app))), total, page, perPage);
  }

  async get(tenantId: string, id: string): Promise<Envelope<AppView>> {
    const app = await this.apps.find(tenantId, id);
    if (!app) throw notFound('Access application');
    return envelope(await this.view(tenantId, app));
  }

  /** PUT replaces the app; `policies`, when sent, replaces the reusable policies applied to it (absent: kept). */
  async replace(tenantId: string, id: string, body: unknown, actor: Actor): Promise<Envelope<AppView>> {
    const input = checkAppBody(body);
    const app = await this.changes.commit(tenantId, async (tx) => {
      const current = await this.apps.lock(tx, tenantId, id);
      if (!current) throw notFound('Access application');
      const updated = await this.apps.replace(tx, tenantId, id, input);
      if (input.policies !== undefined) {
        const attached = await this.attachments.ofApp(tenantId, id, tx);
        const scoped = (await this.policies.findMany(tenantId, attached.map((a) => a.policyId), tx)).filter((p) => p.ownerAppId === id);
        if (scoped.length > 0 && input.policies.length > 0) throw conflict('The application has app-scoped policies; it cannot also use reusable ones', { fields: { '/policies': ['the application has app-scoped policies'] } });
        if (scoped.length === 0) {
          await this.attachments.deleteOfApp(tx, tenantId, id);
          await this.attach(tx, tenantId, id, input.policies);
        }
      }
      await this.audit.append(tx, tenantId, { actor, action: 'access_app.updated', targetType: 'access_app', targetId: id, data: { name: input.name, domain: input.domain, policies: input.policies ?? null } });
      return updated;
    });
    return envelope(await this.view(tenantId, app));
  }

  /** Deleting an app deletes its app-scoped policies; reusable ones stay. */
  async remove(tenantId: string, id: string, actor: Actor): Promise<Envelope<{ id: string }>> {
    await this.changes.commit(tenantId, async (tx) => {
      const current = await this.apps.lock(tx, tenantId, id);
      if (!current) throw notFound('Access application');
      const attached = await this.attachments.ofApp(tenantId, id, tx);
      for (const policy of await this.policies.findMany(tenantId, attached.map((a) => a.policyId), tx)) {
        if (policy.ownerAppId === id) await this.policies.delete(tx, tenantId, policy.id);
      }
      await this.apps.delete(tx, tenantId, id);
      await this.audit.append(tx, tenantId, { actor, action: 'access_app.deleted', targetType: 'access_app', targetId: id, data: { name: current.name, domain: current.domain } });
    });
    return envelope({ id });
  }

  /** Reusable policies only: an unknown id, or another app's scoped policy, is `400` at its pointer. */
  private async attach(tx: Tx, tenantId: string, appId: string, policies: NonNullable<AppInput['policies']>): Promise<void> {
    const found = new Map((await this.policies.findMany(tenantId, policies.map((p) => p.id), tx)).map((p) => [p.id, p]));
    for (const [index, ref] of policies.entries()) {
      const policy = found.get(ref.id);
      if (!policy) throw invalidInput(`/policies/${index}/id names no Access policy`, { fields: { [`/policies/${index}/id`]: ['names no Access policy of this account'] } });
      if (policy.ownerAppId !== null) throw invalidInput(`/policies/${index}/id is another application's policy`, { fields: { [`/policies/${index}/id`]: ['names an app-scoped policy; make it reusable first'] } });
      await this.attachments.create(tx, tenantId, { id: randomUUID(), appId, policyId: ref.id, precedence: ref.precedence }, `/policies/${index}/precedence`);
    }
  }

  private async view(tenantId: string, app: AccessAppRecord): Promise<AppView> {
    const attached = await this.attachments.ofApp(tenantId, app.id);
    const policies = new Map((await this.policies.findMany(tenantId, attached.map((a) => a.policyId))).map((p) => [p.id, p]));
    const rows = await Promise.all(
      cloudflareOrder(attached, policies).filter((a) => policies.has(a.policyId)).map(async (attachment) => ({
        attachment,
        policy: policies.get(attachment.policyId) as NonNullable<ReturnType<typeof policies.get>>,
        all: await this.attachments.ofPolicy(tenantId, attachment.policyId),
      })),
    );
    return toAppView(app, rows);
  }
}
