import { Injectable } from '@nestjs/common';
import { PrismaService, shortenIdleTransaction } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';
import { AuditRepository, LockedHead } from '@/modules/audit/audit.repository';
import { systemActor } from '@/modules/audit/actors';
import { toStage } from '@/modules/audit/audit-pending.repository';
import type { StagedEvent } from '@/modules/audit/audit-chain';
import type { LiveByTenant, LiveGrant } from './access-triple';
import { GrantEffects, PendingEffects } from './grant-effects';
import { GrantExtensionsRepository } from './grant-extensions.repository';
import { grantEventData } from './grant-transitions';
import { GrantRecord, withPendingExtensionsEnded } from './grant.types';
import { GrantsRepository } from './grants.repository';

/** What one pass's transaction did: the changes whose effects are owed once it committed. */
export interface PassResult {
  ended: PendingEffects[];
  /** Due grants the pass saw but left for another pass (their rows, access locks or head were held). */
  skipped: number;
  /** The pass took as many due grants as it was allowed to: more may be due. */
  full: boolean;
}

const REASON = 'the grant expired';
/** A pass across tenants idle this long inside its transaction (its process stalled) is ended by PostgreSQL. */
const ACROSS_IDLE_MS = 1000;

/**
 * `live` (read as of the pass's start) without the grants that expired before `endedAt`: a grant of the same triple
 * that expired before the ended grant's `ended_at` (an UPDATE that waited for access locks) leaves no access either.
 * Filtered once per tenant and end time (a pass's grants share one).
 */
function remainingAt(live: LiveByTenant): (grant: GrantRecord) => Map<string, LiveGrant> | undefined {
  const filtered = new Map<string, Map<string, LiveGrant>>();
  return (grant) => {
    const ofTenant = live.get(grant.tenantId);
    const endedAt = grant.endedAt;
    if (!ofTenant || !endedAt) return ofTenant;
    const key = `${grant.tenantId} ${endedAt.getTime()}`;
    let remaining = filtered.get(key);
    if (!remaining) filtered.set(key, (remaining = new Map([...ofTenant].filter(([, other]) => other.expiresAt > endedAt))));
    return remaining;
  };
}

/**
 * One transaction that ends due grants: the grants, their pending extensions, and their `grant.expired` events
 * (each with the grant as it ended and `access_remains`) chained after the tenant's head, with the outbox rows.
 */
@Injectable()
export class ExpiryPass {
  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
    private readonly extensions: GrantExtensionsRepository,
    private readonly audit: AuditRepository,
    private readonly effects: GrantEffects,
  ) {}

  /** Up to `limit` of the tenant's due grants, waiting for the access locks and the head (7 statements). */
  forTenant(tenantId: string, now: Date, limit: number): Promise<PassResult> {
    return this.prisma.rawTransaction(async (tx) => {
      const due = await this.grants.expireDue(tx, tenantId, now, limit);
      const result = { skipped: due.skipped, full: due.ended.length + due.skipped === limit };
      if (due.ended.length === 0) return { ended: [], ...result };
      // Before the head lock: the sweeper times an extension out holding its row, then waits for the head.
      const extending = due.ended.filter((grant) => grant.extensions.some((e) => e.status === 'pending')).map((grant) => grant.id);
      // When the grants ended (the UPDATE's time, after the access locks were awaited), not when the pass began.
      const endedAt = due.ended[0].endedAt ?? now;
      await this.extensions.cancelPendingOf(tx, tenantId, extending, endedAt, REASON);
      const ended = due.ended.map((grant) => withPendingExtensionsEnded(grant, 'cancelled', endedAt, REASON));
      const { live, head } = await this.grants.liveForLockingHead(tx, tenantId, ended, now);
      const heads = new Map([[tenantId, head ?? (await this.audit.lockHead(tx, tenantId))]]);
      return { ended: await this.record(tx, ended, heads, new Map([[tenantId, live]])), ...result };
    });
  }

  /**
   * Up to `limit` due grants of all tenants, earliest first, never waiting for a lock: a grant whose row, access
   * lock or tenant's head another transaction holds is skipped, and so is a grant with a pending extension (ending
   * that would wait for its row); GrantExpiry hands their tenants to forTenant. One tenant's long transaction (a
   * stalled process) thus delays no other tenant's expiry.
   */
  across(now: Date, limit: number): Promise<PassResult> {
    return this.prisma.rawTransaction(async (tx) => {
      // It holds rows and heads of many tenants: a stalled process must not hold them for the usual idle limit.
      await shortenIdleTransaction(tx, ACROSS_IDLE_MS);
      const due = await this.grants.lockDueAcross(tx, now, limit);
      const full = due.length === limit;
      if (due.length === 0) return { ended: [], skipped: 0, full };
      const taken = await this.grants.tryLockAccess(tx, due);
      const accessible = due.filter((_grant, i) => taken[i]);
      const heads = await this.audit.tryLockHeads(tx, [...new Set(accessible.map((grant) => grant.tenantId))]);
      const ended = await this.grants.expireLockedUnextended(tx, accessible.filter((grant) => heads.has(grant.tenantId)).map((grant) => grant.id), now);
      const skipped = due.length - ended.length;
      if (ended.length === 0) return { ended: [], skipped, full };
      const live = await this.grants.liveForAcross(tx, ended.map((grant) => ({ tenantId: grant.tenantId, triple: grant })), now);
      return { ended: await this.record(tx, ended, heads, live), skipped, full };
    });
  }

  /** The ended grants' events and outbox rows, the events after each tenant's locked head. */
  private async record(tx: RawTx, grants: GrantRecord[], heads: Map<string, LockedHead>, live: LiveByTenant): Promise<PendingEffects[]> {
    const remaining = remainingAt(live);
    const events = toStage(
      grants.map((grant) => ({
        actor: systemActor,
        action: 'grant.expired',
        targetType: 'grant',
        targetId: grant.id,
        data: grantEventData('grant.expired', grant, { from: 'active', to: 'expired', expires_at: grant.expiresAt?.toISOString() ?? null }, remaining(grant)),
      })),
    );
    const byTenant = new Map<string, StagedEvent[]>();
    grants.forEach((grant, i) => {
      const ofTenant = byTenant.get(grant.tenantId);
      if (ofTenant) ofTenant.push(events[i]);
      else byTenant.set(grant.tenantId, [events[i]]);
    });
    // The outbox rows go in with the events: one statement after the head locks'.
    const outbox = this.effects.plan(grants.map((grant, i) => ({ grant, event: 'grant.expired' as const, auditEventId: events[i].id })));
    await this.audit.appendAcross(tx, heads, byTenant, outbox.sql);
    return outbox.effects;
  }
}
