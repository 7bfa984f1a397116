import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { ChainHead, StagedEvent } from './audit-chain';
import { AuditPendingRepository } from './audit-pending.repository';
import { AuditRepository } from './audit.repository';

/** Staged events moved per transaction (one head lock, one commit). */
const BATCH = 1000;
/** How often every process chains what any process left staged (ms). */
const SWEEP_MS = 1000;

/** One tenant's passes in this process. */
interface TenantPasses {
  running?: Promise<void>;
  queued?: Promise<void>;
  /** Events this process staged and committed since the last pass started, in staging order. */
  buffered: StagedEvent[];
  /** The next pass must take every staged event of the tenant, whoever staged it (audit reads, the sweep). */
  all: boolean;
}

/**
 * Group commit of audit appends (README "Audit chain"). A change stages its events in its own transaction
 * (audit_pending, no lock shared with other changes) and, once committed, asks `chainCommitted(tenantId, events)`:
 * one pass moves committed staged events out of audit_pending into audit_events in staging order with consecutive
 * seqs and hashes, so a chain is gap-free at every commit. Callers that arrive while a pass runs share the next
 * pass: N concurrent changes cost one pass instead of N serialised ones.
 *
 * A pass over events this process staged is one statement when the head is still the one this process's last
 * pass left (the common case with one busy process per tenant): the hashes are computed from that head and the
 * statement writes only if the committed head still is it (AuditRepository.chainIfHead). Otherwise, and when
 * every staged event must be taken, a pass is a transaction that takes the head lock and moves every committed
 * staged event of the tenant. Every process also chains whatever is staged once a second (a process that stopped
 * between its commit and its pass), and audit reads chain first, so nothing committed stays out of the chain.
 */
@Injectable()
export class AuditChainer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditChainer');
  private readonly tenants = new Map<string, TenantPasses>();
  /** The head each tenant's chain had when this process's last pass over it committed. */
  private readonly heads = new Map<string, ChainHead>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly pending: AuditPendingRepository,
    private readonly events: AuditRepository,
  ) {}

  onModuleInit(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Resolves once every event of the tenant staged and committed before the call is in the chain (`all`), or
   * only the events handed to chainCommitted before the call.
   */
  chain(tenantId: string, all = true): Promise<void> {
    let passes = this.tenants.get(tenantId);
    if (!passes) {
      passes = { buffered: [], all: false };
      this.tenants.set(tenantId, passes);
    }
    passes.all ||= all;
    if (passes.queued) return passes.queued;
    if (!passes.running) return this.start(tenantId, passes);
    const tenant = passes;
    const next = passes.running.catch(() => undefined).then(() => this.start(tenantId, tenant));
    passes.queued = next;
    return next;
  }

  /**
   * For a change that has committed these staged events: resolves once they are in the chain. Never rejects,
   * since the change stands whatever happens here; on a failure the events stay staged and the periodic pass
   * chains them. Without events: every staged event of the tenant.
   */
  async chainCommitted(tenantId: string, staged: StagedEvent[] = []): Promise<void> {
    try {
      if (staged.length > 0) this.buffer(tenantId).push(...staged);
      await this.chain(tenantId, staged.length === 0);
    } catch (error) {
      this.logger.warn({ err: error, tenant_id: tenantId }, 'could not chain staged audit events yet; the periodic pass will');
    }
  }

  /** Chains the tenant's staged events first if there are any (before an audit read). */
  async flush(tenantId: string): Promise<void> {
    if (this.tenants.get(tenantId)?.running || (await this.pending.hasPending(tenantId))) await this.chain(tenantId);
  }

  /** Chains every tenant's staged events (the periodic pass; also for tests). */
  async sweep(): Promise<void> {
    for (const tenantId of await this.pending.tenantsWithPending(100)) await this.chain(tenantId);
  }

  private buffer(tenantId: string): StagedEvent[] {
    let passes = this.tenants.get(tenantId);
    if (!passes) {
      passes = { buffered: [], all: false };
      this.tenants.set(tenantId, passes);
    }
    return passes.buffered;
  }

  private start(tenantId: string, passes: TenantPasses): Promise<void> {
    passes.queued = undefined;
    const staged = passes.buffered.splice(0);
    const all = passes.all;
    passes.all = false;
    const pass = this.pass(tenantId, staged, all).finally(() => {
      if (passes.running !== pass) return;
      passes.running = undefined;
      if (!passes.queued && passes.buffered.length === 0) this.tenants.delete(tenantId);
    });
    passes.running = pass;
    return pass;
  }

  private async pass(tenantId: string, staged: StagedEvent[], all: boolean): Promise<void> {
    if (!all && staged.length === 0) return;
    const head = this.heads.get(tenantId);
    if (!all && head && staged.length <= BATCH) {
      try {
        const moved = await this.events.chainIfHead(tenantId, staged, head);
        if (moved) {
          this.heads.set(tenantId, moved);
          return;
        }
      } catch (error) {
        this.heads.delete(tenantId);
        throw error;
      }
    }
    await this.drain(tenantId);
  }

  /** Passes under the head lock until nothing committed is left staged. */
  private async drain(tenantId: string): Promise<void> {
    this.heads.delete(tenantId);
    for (;;) {
      const { moved, head } = await this.prisma.rawTransaction(async (tx) => {
        // Under the head lock, so that no other pass (in any process) takes the same staged rows.
        const locked = await this.events.lockHead(tx, tenantId);
        const taken = await this.pending.take(tx, tenantId, BATCH);
        const chained = await this.events.chain(tx, tenantId, taken, locked);
        const last = chained[chained.length - 1];
        return { moved: taken, head: last ? { seq: last.seq, hash: last.hash } : { seq: locked.seq, hash: locked.hash } };
      });
      this.heads.set(tenantId, head);
      // Events handed in meanwhile that this pass took need no pass of their own.
      const passes = this.tenants.get(tenantId);
      if (passes && passes.buffered.length > 0 && moved.length > 0) {
        const taken = new Set(moved.map((event) => event.id));
        passes.buffered = passes.buffered.filter((event) => !taken.has(event.id));
      }
      if (moved.length < BATCH) return;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), SWEEP_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not chain staged audit events; retrying');
    }
    this.schedule();
  }
}
