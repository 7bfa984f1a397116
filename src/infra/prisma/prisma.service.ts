import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '@/generated/prisma/client';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { RawIsolation, RawQueryable, rawTransaction, RawTx } from './raw-sql';

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * Inside a transaction meant to wait on locks or work longer than the session limits allow (a delivery's send,
 * decisions queued on one grant, a policy-set change): lifts `lock_timeout` and
 * `idle_in_transaction_session_timeout` to `ms` for this transaction alone.
 */
export async function allowLongTransaction(tx: Tx, ms: number): Promise<void> {
  const value = String(Math.floor(ms));
  await tx.$queryRaw`SELECT set_config('lock_timeout', ${value}, true), set_config('idle_in_transaction_session_timeout', ${value}, true)`;
}

/**
 * Inside a short transaction that locks rows of many tenants (an expiry pass across tenants): lowers
 * `idle_in_transaction_session_timeout` to `ms` for this transaction alone, so that a client that stalls mid-way (a
 * paused process) frees those locks that much sooner.
 */
export async function shortenIdleTransaction(tx: RawTx, ms: number): Promise<void> {
  await tx.$queryRaw`SELECT set_config('idle_in_transaction_session_timeout', ${String(Math.floor(ms))}, true)`;
}

/** How long a new connection may take before the request fails (503) instead of waiting on a dead server. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Every session carries limits, so that a process that stops answering (paused, or stuck after a crash) cannot
 * hold a lock or a transaction for long: `statement_timeout`, `lock_timeout` and
 * `idle_in_transaction_session_timeout` from the configuration, plus a client-side query timeout for a server that
 * stops answering altogether. Closed at application shutdown, after the HTTP server has drained.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  /** The pool under Prisma's adapter, shared with the raw statements of hot paths (raw-sql.ts). */
  private readonly pool: Pool;
  /** Autocommit raw statements on the pool, without Prisma's client runtime (see RawTx). */
  readonly raw: RawTx;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: config.dbStatementTimeoutMs,
      lock_timeout: config.dbLockTimeoutMs,
      idle_in_transaction_session_timeout: config.dbIdleInTransactionTimeoutMs,
      query_timeout: config.dbStatementTimeoutMs + CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // An idle connection that breaks (the server restarts) is dropped by the pool; without a listener the pool's
    // 'error' event would end the process. The next query reconnects or fails with a 503.
    pool.on('error', () => undefined);
    super({
      adapter: new PrismaPg(pool),
      // Transactions of one grant or tenant queue on its locks by design (advisory, row, counters): up to 5 s to
      // get a pooled connection and 15 s to finish, instead of Prisma's 2 s and 5 s.
      transactionOptions: { maxWait: 5_000, timeout: 15_000 },
    });
    this.pool = pool;
    this.raw = new RawQueryable(pool);
  }

  /** A transaction of raw statements on the pool (raw-sql.ts rawTransaction): for hot paths written in raw SQL. */
  rawTransaction<T>(work: (tx: RawTx) => Promise<T>, isolation?: RawIsolation): Promise<T> {
    return rawTransaction(this.pool, work, isolation);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
