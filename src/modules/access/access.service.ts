import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidationBus, Invalidation } from '@/infra/redis/invalidation-bus';
import type { EntityUid } from '@/infra/cedar/cedar-types';
import { GRANT_TOPIC } from '@/modules/grants/grant-effects';
import { GRANT_STATUSES, GrantStatus } from '@/modules/grants/grant-state';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { accessKey, GrantUpdate, TenantGrants } from './access-cache';
import type { AccessQuery } from './check-access.pipe';

export interface AccessAnswer {
  allowed: boolean;
  grant_id: string | null;
  expires_at: string | null;
  audit_session: boolean;
}

const DENIED: AccessAnswer = { allowed: false, grant_id: null, expires_at: null, audit_session: false };

interface Loading {
  promise: Promise<TenantGrants>;
  buffered: GrantUpdate[];
}

/**
 * Answers from memory: each tenant's active grants are loaded once, then kept current by the grant updates every
 * process publishes after commit. Updates that arrive while a tenant loads are replayed on top of the load.
 * While the Redis subscription is down the cache is not trusted and each check reads the database.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  private readonly tenants = new Map<string, TenantGrants>();
  private readonly loading = new Map<string, Loading>();

  constructor(
    private readonly grants: GrantsRepository,
    private readonly bus: InvalidationBus,
  ) {}

  onModuleInit(): void {
    this.bus.on(GRANT_TOPIC, (message) => (message ? this.onUpdate(message) : this.forgetAll()));
  }

  async check(tenantId: string, dto: AccessQuery): Promise<AccessAnswer> {
    if (!this.bus.isLive()) return this.checkDatabase(tenantId, dto.principal, dto.action, dto.resource);
    const grants = this.tenants.get(tenantId) ?? (await this.load(tenantId));
    const grant = grants.find(accessKey(dto.principal, dto.action, dto.resource));
    if (!grant) return DENIED;
    return { allowed: true, grant_id: grant.id, expires_at: new Date(grant.expiresAt).toISOString(), audit_session: grant.auditSession };
  }

  private async checkDatabase(tenantId: string, principal: EntityUid, action: EntityUid, resource: EntityUid): Promise<AccessAnswer> {
    const grant = await this.grants.findActiveFor(tenantId, { principal, action, resource }, new Date());
    if (!grant?.expiresAt) return DENIED;
    return { allowed: true, grant_id: grant.id, expires_at: grant.expiresAt.toISOString(), audit_session: grant.auditSession };
  }

  private load(tenantId: string): Promise<TenantGrants> {
    const existing = this.loading.get(tenantId);
    if (existing) return existing.promise;
    const entry: Loading = { buffered: [], promise: Promise.resolve(new TenantGrants()) };
    entry.promise = (async () => {
      try {
        const grants = new TenantGrants();
        for (const row of await this.grants.listActive(tenantId)) {
          grants.apply({ ...row, expiresAt: row.expiresAt?.getTime() ?? null });
        }
        for (const update of entry.buffered) grants.apply(update);
        if (this.loading.get(tenantId) === entry) this.tenants.set(tenantId, grants);
        return grants;
      } finally {
        if (this.loading.get(tenantId) === entry) this.loading.delete(tenantId);
      }
    })();
    this.loading.set(tenantId, entry);
    return entry.promise;
  }

  private onUpdate(message: Invalidation): void {
    const data = message.data as { principal: EntityUid; action: EntityUid; resource: EntityUid; status: GrantStatus; expires_at: string | null; audit_session: boolean } | undefined;
    if (!message.id || !data || !GRANT_STATUSES.includes(data.status)) return this.forget(message.tenantId);
    const update: GrantUpdate = {
      id: message.id,
      principal: data.principal,
      action: data.action,
      resource: data.resource,
      status: data.status,
      expiresAt: data.expires_at ? Date.parse(data.expires_at) : null,
      auditSession: data.audit_session,
    };
    this.tenants.get(message.tenantId)?.apply(update);
    this.loading.get(message.tenantId)?.buffered.push(update);
  }

  private forget(tenantId: string): void {
    this.tenants.delete(tenantId);
    this.loading.delete(tenantId);
  }

  private forgetAll(): void {
    this.tenants.clear();
    this.loading.clear();
  }
}
