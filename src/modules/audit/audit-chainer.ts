import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { AuditPendingRepository } from './audit-pending.repository';
import { AuditRepository } from './audit.repository';

/** Staged events moved per transaction (one head lock, one commit). */
const BATCH = 1000;
/** How often every process chains what any process left staged (ms). */
const SWEEP_MS = 1000;

/**
 * Group commit of audit appends (README "Audit chain"). A change stages its events in its own transaction
 * (audit_pending, no lock shared with other changes) and, once committed, asks `chain(tenantId)`: one transaction
 * takes the tenant's head lock and moves every committed staged event out of audit_pending into audit_events in
 * staging order with consecutive seqs and hashes, so a chain is gap-free at every commit. Callers that arrive while
 * a pass runs share the next pass: N concurrent changes cost one head lock and one commit instead of N serialised
 * ones. Every process also chains whatever is staged once a second (a process that stopped between its commit and
 * its pass), and audit reads chain first, so nothing committed stays out of the chain.
 */
@Injectable()
export class AuditChainer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditChainer');
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();
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

  /** Resolves once every event of the tenant staged and committed before the call is in the chain. */
  chain(tenantId: string): Promise<void> {
    const queued = this.queued.get(tenantId);
    if (queued) return queued;
    const running = this.running.get(tenantId);
    if (!running) return this.start(tenantId);
    const next = running.catch(() => undefined).then(() => this.start(tenantId));
    this.queued.set(tenantId, next);
    return next;
  }

  /**
   * `chain` for a change that has committed: never rejects, since the change stands whatever happens here; on a
   * failure the events stay staged and the periodic pass chains them.
   */
  async chainCommitted(tenantId: string): Promise<void> {
    try {
      await this.chain(tenantId);
    } catch (error) {
      this.logger.warn({ err: error, tenant_id: tenantId }, 'could not chain staged audit events yet; the periodic pass will');
    }
  }

  /** Chains the tenant's staged events first if there are any (before an audit read). */
  async flush(tenantId: string): Promise<void> {
    if (this.running.has(tenantId) || (await this.pending.hasPending(tenantId))) await this.chain(tenantId);
  }

  /** Chains every tenant's staged events (the periodic pass; also for tests). */
  async sweep(): Promise<void> {
    for (const tenantId of await this.pending.tenantsWithPending(100)) await this.chain(tenantId);
  }

  private start(tenantId: string): Promise<void> {
    this.queued.delete(tenantId);
    const pass = this.drain(tenantId).finally(() => {
      if (this.running.get(tenantId) === pass) this.running.delete(tenantId);
    });
    this.running.set(tenantId, pass);
    return pass;
  }

  private async drain(tenantId: string): Promise<void> {
    for (;;) {
      const moved = await this.prisma.$transaction(async (tx) => {
        // Under the head lock, so that no other pass (in any process) takes the same staged rows.
        const head = await this.events.lockHead(tx, tenantId);
        const staged = await this.pending.take(tx, tenantId, BATCH);
        if (staged.length === 0) return 0;
        await this.events.chain(tx, tenantId, staged, head);
        return staged.length;
      });
      if (moved < BATCH) return;
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
