import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import type { RawTx } from '@/infra/prisma/raw-sql';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { GRANT_EVENTS, GrantEventName } from './grant-events';
import type { GrantRecord } from './grant.types';
import { addOutboxSql, GrantEffectsRepository, OutboxChange, outboxRows } from './grant-effects.repository';
import { GrantJobs } from './grant-jobs';
import { OutboxRemovals } from './outbox-removals';
import { GrantsRepository } from './grants.repository';

const REPLAY_BATCH = 200;
const GIVE_UP_MS = 24 * 3600_000;
/** How long a row whose effects went out waits for others to be removed with (ms): one DELETE per window. */
const REMOVAL_WINDOW_MS = 20;

/** A committed grant change as listeners see it. */
export interface GrantChange {
  /** The grant right after the change; on a replay, the grant as it is now. */
  grant: GrantRecord;
  event: GrantEventName;
  /** The change's audit event, which holds the grant as it was at the event (null for changes that have none). */
  auditEventId: string | null;
  /** True when the sweep delivers the change again because its first delivery did not complete. */
  replay: boolean;
}

/** Resolves false when its part of the effects did not go out (and should be replayed). */
export type GrantListener = (change: GrantChange) => Promise<boolean | void> | boolean | void;

/** A committed change whose effects are owed: `id` is its outbox row. */
export interface PendingEffects {
  id: string;
  grant: GrantRecord;
  event: GrantEventName;
  auditEventId: string | null;
}

/** A change written in the caller's transaction, whose outbox row is to be added. */
export type RecordedChange = Omit<PendingEffects, 'id'>;

const toOutbox = ({ grant, event, auditEventId }: RecordedChange): OutboxChange => ({ tenantId: grant.tenantId, grantId: grant.id, event, auditEventId });
/** The changes with their outbox rows' ids, in order. */
const owed = (rows: { id: string }[], changes: RecordedChange[]): PendingEffects[] => rows.map((row, i) => ({ id: row.id, ...changes[i] }));

/**
 * What follows a grant change once it has committed: every process's access cache, the grant's jobs, and the
 * listeners (notifications, metrics). Each change leaves an outbox row in its own transaction, removed when all of
 * that went out; the sweep replays what is left, so a Redis outage or a crash between commit and effects delays
 * them instead of losing them. Replays are safe: cache updates are monotonic, job ids and deliveries deterministic.
 * The rows are removed after the answer, many per statement (OutboxRemovals); one not removed only replays.
 */
@Injectable()
export class GrantEffects implements BeforeApplicationShutdown {
  private readonly logger = new Logger('GrantEffects');
  private readonly listeners: GrantListener[] = [];
  private readonly removals = new OutboxRemovals((rows) => this.outbox.removeMany(rows), REMOVAL_WINDOW_MS);

  constructor(
    private readonly outbox: GrantEffectsRepository,
    private readonly grants: GrantsRepository,
    private readonly jobs: GrantJobs,
    private readonly bus: InvalidationBus,
  ) {}

  /** Notifications and metrics subscribe here; listeners run after commit and must not throw for delivery problems. */
  onTransition(listener: GrantListener): void {
    this.listeners.push(listener);
  }

  /** Inside the change's transaction: one outbox row per change (of the grant's tenant). */
  async record(tx: RawTx, changes: RecordedChange[]): Promise<PendingEffects[]> {
    return owed(await this.outbox.add(tx, changes.map(toOutbox)), changes);
  }

  /**
   * record's outbox rows as a data-modifying statement (addOutboxSql) for the caller to run inside the change's
   * own statement (an expiry pass appends them with its audit events), with what to hand to `committed` after.
   */
  plan(changes: RecordedChange[]): { sql: Prisma.Sql; effects: PendingEffects[] } {
    const rows = outboxRows(changes.map(toOutbox));
    return { sql: addOutboxSql(rows), effects: owed(rows, changes) };
  }

  /**
   * After commit. Never throws: what could not go out stays in the outbox for the sweep. True when all went out.
   * Resolves once the effects are out; their outbox rows are removed afterwards.
   */
  committed(changes: PendingEffects[]): Promise<boolean> {
    return this.deliver(changes, false);
  }

  /** Removes the outbox rows whose effects went out before the database connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.removals.drain();
  }

  /**
   * Each grant's caches and jobs once, from its latest change in `changes` (a request's `grant.requested` and
   * `grant.activated` carry the same record), then every change's listeners.
   */
  private async deliver(changes: PendingEffects[], replay: boolean): Promise<boolean> {
    const latest = new Map<string, GrantRecord>();
    for (const change of changes) latest.set(change.grant.id, change.grant);
    const propagated = new Map<string, Promise<boolean>>();
    for (const [id, grant] of latest) propagated.set(id, this.propagate(grant).catch((error: unknown) => this.failed(error, grant.id, 'propagation')));
    const results = await Promise.all(
      changes.map(async (change) => {
        const out = await propagated.get(change.grant.id);
        const heard = await this.notify({ grant: change.grant, event: change.event, auditEventId: change.auditEventId, replay }).catch((error: unknown) =>
          this.failed(error, change.grant.id, change.event),
        );
        return out === true && heard;
      }),
    );
    const done = changes.filter((_change, i) => results[i]).map((change) => ({ tenantId: change.grant.tenantId, id: change.id }));
    if (done.length > 0) {
      this.removals.add(done).catch((error: unknown) => this.logger.error({ err: error }, 'could not clear the outbox; the sweep will replay'));
    }
    return results.every(Boolean);
  }

  private failed(error: unknown, grantId: string, event: string): false {
    this.logger.error({ err: error, grantId, event }, 'grant change effects failed; the sweep will replay');
    return false;
  }

  /**
   * For the sweep: replays changes older than `before` whose effects never went out. A change still failing after
   * a day is given up (logged as an error) so that it cannot hold back the others.
   */
  async replayStale(before: Date): Promise<number> {
    const giveUpBefore = new Date(Date.now() - GIVE_UP_MS);
    const rows = await this.outbox.findStale(before, REPLAY_BATCH);
    for (const row of rows) {
      const grant = await this.grants.find(row.tenantId, row.grantId);
      const event = (GRANT_EVENTS as readonly string[]).includes(row.event) ? (row.event as GrantEventName) : null;
      const done = grant && event ? await this.deliver([{ id: row.id, grant, event, auditEventId: row.auditEventId }], true) : false;
      if (!done && (!grant || !event || row.createdAt < giveUpBefore)) {
        await this.outbox.remove(row.tenantId, [row.id]);
        if (grant) this.logger.error({ grantId: row.grantId, event: row.event }, 'gave up on the effects of a grant change');
      }
    }
    if (rows.length > 0) this.logger.warn({ replayed: rows.length }, 'replayed grant changes whose effects had not gone out');
    return rows.length;
  }

  /** Caches first (no stale allow), then jobs. True when both went out. */
  private async propagate(grant: GrantRecord): Promise<boolean> {
    let ok = await this.bus.publish({
      topic: 'grant',
      tenantId: grant.tenantId,
      id: grant.id,
      data: {
        principal: grant.principal,
        action: grant.action,
        resource: grant.resource,
        status: grant.status,
        expires_at: grant.expiresAt?.toISOString() ?? null,
        audit_session: grant.auditSession,
      },
    });
    if (grant.status === 'active' && grant.expiresAt) ok = (await this.jobs.scheduleExpiry(grant.tenantId, grant.expiresAt)) && ok;
    else if (grant.status === 'pending_approval' && grant.approvalDeadline) {
      ok = (await this.jobs.scheduleTimeout(grant.tenantId, grant.id, grant.approvalDeadline)) && ok;
    } else if (grant.status !== 'expired' && grant.status !== 'timed_out') {
      // An expiry or timeout is ended by its own (running) job: there is nothing left to remove.
      await this.jobs.cancel(grant.id);
    }
    return ok;
  }

  /** The listeners of one change, in order. True when all of them went out. */
  private async notify(change: GrantChange): Promise<boolean> {
    let ok = true;
    for (const listener of this.listeners) ok = (await listener(change)) !== false && ok;
    return ok;
  }
}
