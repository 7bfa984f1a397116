import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import type { StoredPolicy } from '@/modules/decisions/compiled-policy-set';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import { AccessReads } from '@/modules/cloudflare-access/access-reads';
import { ChangeFeed } from '@/modules/tenant-state/change-feed';
import { PoliciesRepository } from './policies.repository';

type NotificationSettings = { policyName: string; channelName: string | null } | null;

/** Policies whose notification settings one process keeps, over all tenants (then it starts again). */
const MAX_CACHED_SETTINGS = 10_000;

/**
 * What other modules may read of policies and rules (the policies feature owns those tables, PoliciesRepository is
 * the only code on them): the decision engine's snapshot, schema validation, references from lists and channels,
 * and the names notifications show.
 */
@Injectable()
export class PolicyReads {
  /** tenant id → policy id → settings; dropped with the tenant's policy set (every grant event reads them). */
  private readonly settings = new Map<string, Map<string, NotificationSettings>>();
  /** The policy-set version the change feed last told this process of, per tenant. */
  private readonly versions = new Map<string, bigint>();
  private cachedSettings = 0;
  /** Bumped by every invalidation: a read that an invalidation overtook is not kept. */
  private generation = 0;

  constructor(
    private readonly policies: PoliciesRepository,
    private readonly access: AccessReads,
    private readonly bus: InvalidationBus,
    private readonly feed: ChangeFeed,
  ) {
    bus.on('policy-set', (message) => (message ? this.drop(message.tenantId) : this.dropAll()));
    // A bus message another process's publish lost is not seen here: the feed's counters carry every change.
    feed.listen((tenantId, counters) => {
      if (this.versions.get(tenantId) === counters.policyVersion) return;
      this.versions.set(tenantId, counters.policyVersion);
      this.drop(tenantId);
    });
  }

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

  /**
   * The policy's name and notification channel (null when it no longer exists), kept in memory until the tenant's
   * policy set changes (told by the invalidation bus, and by the change feed within the propagation bound whatever
   * Redis did), and read afresh while either of them cannot be trusted.
   */
  async notificationSettings(tenantId: string, policyId: string): Promise<NotificationSettings> {
    if (!this.bus.isLive() || !this.feed.isFresh()) return this.readSettings(tenantId, policyId);
    const cached = this.settings.get(tenantId)?.get(policyId);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const read = await this.readSettings(tenantId, policyId);
    if (generation !== this.generation) return read;
    if (this.cachedSettings >= MAX_CACHED_SETTINGS) this.dropAll();
    this.feed.watch(tenantId);
    const tenant = this.settings.get(tenantId) ?? new Map<string, NotificationSettings>();
    this.settings.set(tenantId, tenant.set(policyId, read));
    this.cachedSettings += 1;
    return read;
  }

  private drop(tenantId: string): void {
    this.generation += 1;
    this.settings.delete(tenantId);
  }

  private dropAll(): void {
    this.generation += 1;
    this.settings.clear();
    this.cachedSettings = 0;
  }

  /** A governing policy may also be a Cloudflare-style Access policy (PRODUCT.md section 15), which has no channel. */
  private async readSettings(tenantId: string, policyId: string): Promise<NotificationSettings> {
    const own = await this.policies.notificationSettings(tenantId, policyId);
    if (own) return own;
    const name = await this.access.policyName(tenantId, policyId);
    return name === null ? null : { policyName: name, channelName: null };
  }
}
