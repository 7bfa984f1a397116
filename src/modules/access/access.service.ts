import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { BusMessage } from '@/infra/redis/bus-topics';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { GRANT_STATUSES, GrantStatus } from '@/modules/grants/grant-state';
import { GrantReads } from '@/modules/grants/grant-reads';
import { ChangeFeed } from '@/modules/tenant-state/change-feed';
import { TenantCounters, TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { accessKey, CachedGrant, expiresIso, GrantUpdate, TenantGrants } from './access-cache';
import type { AccessQuery } from './check-access.pipe';

export interface AccessAnswer {
  allowed: boolean;
  grant_id: string | null;
  expires_at: string | null;
  audit_session: boolean;
}

const DENIED: AccessAnswer = { allowed: false, grant_id: null, expires_at: null, audit_session: false };

const answer = (grant: CachedGrant | null): AccessAnswer =>
  grant ? { allowed: true, grant_id: grant.id, expires_at: expiresIso(grant), audit_session: grant.auditSession } : DENIED;

interface Loading {
  promise: Promise<TenantGrants>;
  buffered: GrantUpdate[];
}

/** A tenant's cached grants with the revocation counter they reflect: one object, so a check reads one object less. */
class CachedTenant extends TenantGrants {
  /** `revocations`: the tenant's grant_revocations counter the cache reflects (PRODUCT.md section 14). */
  constructor(public revocations: bigint) {
    super();
  }
}

/**
 * Answers from memory: each tenant's active grants are loaded once, then kept current by the grant updates every
 * process publishes after commit (updates that arrive while a tenant loads are replayed on top of the load), and
 * by the change feed, which brings every revoke within the propagation bound even when its message was lost. While
 * the Redis subscription is down or the feed is stale, the cache is not trusted and each check reads the database.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  private readonly tenants = new Map<string, CachedTenant>();
  private readonly loading = new Map<string, Loading>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantReads,
    private readonly state: TenantStateRepository,
    private readonly bus: InvalidationBus,
    private readonly feed: ChangeFeed,
  ) {}

  onModuleInit(): void {
    this.bus.on('grant', (message) => (message ? this.onUpdate(message) : this.forgetAll()));
    this.feed.listen((tenantId, counters) => this.catchUp(tenantId, counters));
  }

  /** The answer for one triple: synchronous from a trusted, loaded cache (the steady state), else a promise. */
  check(tenantId: string, query: AccessQuery): AccessAnswer | Promise<AccessAnswer> {
    const grants = this.loaded(tenantId);
    if (grants) return answer(grants.find(accessKey(query.principal, query.action, query.resource)));
    return this.checkRead(tenantId, query);
  }

  private async checkRead(tenantId: string, query: AccessQuery): Promise<AccessAnswer> {
    const grants = await this.fromMemory(tenantId);
    if (!grants) return this.checkDatabase(tenantId, query);
    return answer(grants.find(accessKey(query.principal, query.action, query.resource)));
  }

  /** One answer per query, in order, with the same cache semantics as `check` (one tenant load at most). */
  async checkMany(tenantId: string, queries: AccessQuery[]): Promise<AccessAnswer[]> {
    const grants = await this.fromMemory(tenantId);
    if (!grants) {
      // One at a time: a batch must not take the whole connection pool while memory is not trusted.
      const answers: AccessAnswer[] = [];
      for (const query of queries) answers.push(await this.checkDatabase(tenantId, query));
      return answers;
    }
    const now = Date.now();
    return queries.map((query) => answer(grants.find(accessKey(query.principal, query.action, query.resource), now)));
  }

  /** The tenant's grants when memory is trusted now and they are loaded; undefined otherwise (see fromMemory). */
  private loaded(tenantId: string): TenantGrants | undefined {
    return this.bus.isLive() && this.feed.isFresh() ? this.tenants.get(tenantId) : undefined;
  }

  /**
   * The tenant's grants from memory (loaded if needed) while memory may be trusted: the Redis subscription is live
   * and the change feed is fresh, after one shared poll if it ran late. Null: read the database.
   */
  private async fromMemory(tenantId: string): Promise<TenantGrants | null> {
    if (!this.bus.isLive() || !(this.feed.isFresh() || (await this.feed.refresh()))) return null;
    return this.tenants.get(tenantId) ?? this.load(tenantId);
  }

  private async checkDatabase(tenantId: string, query: AccessQuery): Promise<AccessAnswer> {
    const grant = await this.grants.findActiveFor(tenantId, query, new Date());
    if (!grant?.expiresAt) return DENIED;
    return { allowed: true, grant_id: grant.id, expires_at: grant.expiresAt.toISOString(), audit_session: grant.auditSession };
  }

  private load(tenantId: string): Promise<TenantGrants> {
    const existing = this.loading.get(tenantId);
    if (existing) return existing.promise;
    const entry: Loading = { buffered: [], promise: Promise.resolve(new TenantGrants()) };
    entry.promise = (async () => {
      try {
        // The active grants and the revocation counter they reflect, in one snapshot.
        const { rows, counters } = await this.prisma.rawTransaction(
          async (tx) => ({ counters: await this.state.find(tenantId, tx), rows: await this.grants.listActive(tenantId, tx) }),
          'REPEATABLE READ',
        );
        const grants = new CachedTenant(counters.grantRevocations);
        for (const row of rows) grants.apply({ ...row, expiresAt: row.expiresAt?.getTime() ?? null });
        for (const update of entry.buffered) grants.apply(update);
        if (this.loading.get(tenantId) === entry) {
          this.tenants.set(tenantId, grants);
          this.feed.watch(tenantId);
        }
        return grants;
      } finally {
        if (this.loading.get(tenantId) === entry) this.loading.delete(tenantId);
      }
    })();
    this.loading.set(tenantId, entry);
    return entry.promise;
  }

  private onUpdate(message: BusMessage<'grant'>): void {
    const { data } = message;
    if (!message.id || !data || !(GRANT_STATUSES as readonly string[]).includes(data.status)) return this.forget(message.tenantId);
    const update: GrantUpdate = {
      id: message.id,
      principal: data.principal,
      action: data.action,
      resource: data.resource,
      status: data.status as GrantStatus,
      expiresAt: data.expires_at ? Date.parse(data.expires_at) : null,
      auditSession: data.audit_session,
    };
    this.tenants.get(message.tenantId)?.apply(update);
    this.loading.get(message.tenantId)?.buffered.push(update);
  }

  /** Applies the revokes committed since the cache's counter (their messages may never have arrived). */
  private async catchUp(tenantId: string, counters: TenantCounters): Promise<void> {
    const cached = this.tenants.get(tenantId);
    if (!cached || counters.grantRevocations <= cached.revocations) return;
    try {
      for (const grant of await this.grants.revokedSince(tenantId, cached.revocations)) {
        cached.apply({ ...grant, expiresAt: grant.expiresAt?.getTime() ?? null });
        cached.revocations = grant.revokeSeq > cached.revocations ? grant.revokeSeq : cached.revocations;
      }
      cached.revocations = counters.grantRevocations > cached.revocations ? counters.grantRevocations : cached.revocations;
    } catch (error) {
      // Not trusted any more: the tenant is loaded again on its next check.
      if (this.tenants.get(tenantId) === cached) this.tenants.delete(tenantId);
      throw error;
    }
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
