import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { TenantCounters, TenantStateRepository, ZERO_COUNTERS } from './tenant-state.repository';

/**
 * Told of a tenant's counters after a poll that saw them change, or saw the tenant for the first time since it was
 * watched. `countersReadAt` (ms, `performance.now()`): when the read of `counters` had returned. A change they show committed
 * before then, so anything read from the database before then may predate it; a read begun after it sees it. (The
 * poll's start is not a safe cut-off: a change committed during the poll, before its counters were read, would be
 * missed by a read made in between.)
 */
export type ChangeListener = (tenantId: string, counters: TenantCounters, countersReadAt: number) => void | Promise<void>;

/** PRODUCT.md section 14: a committed change is honoured by every process within this many ms. */
export const PROPAGATION_BOUND_MS = 2000;
/** Time kept for applying what a poll brings, inside the bound. */
const APPLY_MARGIN_MS = 200;
const CHUNK = 1000;

/**
 * Polls the counters of every watched tenant (those some cache of this process holds) once per
 * CHANGE_POLL_INTERVAL_MS, independently of Redis, and tells listeners what changed. Caches trust themselves only
 * while `isFresh()`: the last successful poll started less than the bound (minus a margin) ago, so a change
 * committed before it has been applied, and one committed after it is at most that old. Times are read from the
 * monotonic clock (`performance.now()`), so a wall clock stepped back cannot stretch that trust.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ChangeFeed');
  private readonly seen = new Map<string, TenantCounters | null>();
  private readonly listeners: ChangeListener[] = [];
  private lastSuccessStart = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly state: TenantStateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  listen(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Starts polling this tenant; the next poll reports its counters whatever they are. */
  watch(tenantId: string): void {
    if (!this.seen.has(tenantId)) this.seen.set(tenantId, null);
  }

  /** Whether caches may answer from memory now without breaking the propagation bound. */
  isFresh(now = performance.now()): boolean {
    return now - this.lastSuccessStart < PROPAGATION_BOUND_MS - APPLY_MARGIN_MS;
  }

  /**
   * Fresh now, or after one poll made at once (shared with every caller while it runs, and with the periodic one):
   * a busy process whose periodic poll ran late pays one query, instead of every cache reading the database.
   * False when that poll failed.
   */
  async refresh(): Promise<boolean> {
    if (this.isFresh()) return true;
    await this.pollShared().catch(() => undefined);
    return this.isFresh();
  }

  /** One poll over every watched tenant; resolves once listeners have applied what changed. */
  async poll(): Promise<void> {
    const startedAt = performance.now();
    const tenants = [...this.seen.keys()];
    const changed: [string, TenantCounters, number][] = [];
    for (let i = 0; i < tenants.length; i += CHUNK) {
      const chunk = tenants.slice(i, i + CHUNK);
      const found = await this.state.findMany(chunk);
      const readAt = performance.now();
      for (const tenantId of chunk) {
        const counters = found.get(tenantId) ?? ZERO_COUNTERS;
        const before = this.seen.get(tenantId);
        if (!before || before.policyVersion !== counters.policyVersion || before.grantRevocations !== counters.grantRevocations || before.keyRevocations !== counters.keyRevocations) {
          changed.push([tenantId, counters, readAt]);
        }
      }
    }
    for (const [tenantId, counters, readAt] of changed) {
      await Promise.all(this.listeners.map(async (listener) => listener(tenantId, counters, readAt)));
      this.seen.set(tenantId, counters);
    }
    this.lastSuccessStart = startedAt;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private pollShared(): Promise<void> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async tick(): Promise<void> {
    const startedAt = performance.now();
    try {
      await this.pollShared();
      if (this.failing) this.logger.log('change counters are readable again; caches are trusted again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.error({ err: error }, 'cannot read the change counters; caches are not trusted until it works again');
      this.failing = true;
    }
    // Fixed rate: a slow poll (a busy process) does not push the next one later by its own duration.
    this.schedule(Math.max(0, this.config.changePollIntervalMs - (performance.now() - startedAt)));
  }
}
