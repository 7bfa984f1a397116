import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';

/** Thrown by `bounded` when Redis is known to be away or did not answer in time; callers leave the work to the outbox. */
export class RedisUnavailableError extends Error {
  constructor(reason: string) {
    super(`Redis is unavailable: ${reason}`);
  }
}

/** After a call timed out, further calls fail at once for this long: a half-open connection shows no event. */
const SUSPECT_MS = 5000;

/** REDIS_URL without its password, for log lines. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * Whether this process can reach Redis, from the events of its main connection, and the one place that says so in
 * the log: one warning when an outage starts (naming REDIS_URL), one line when it ends, nothing per command or per
 * reconnect attempt in between. Every other Redis client and BullMQ queue or worker is `watch`ed so that its errors
 * feed this state instead of printing stack traces.
 *
 * `bounded` runs a Redis call on a request path with a deadline: at once `RedisUnavailableError` while Redis is
 * away, and the same after REDIS_COMMAND_TIMEOUT_MS (the call itself may still complete later; its work is
 * idempotent). BullMQ's connections wait forever by design (`maxRetriesPerRequest: null`), so this is what keeps
 * requests answering during an outage.
 */
@Injectable()
export class RedisStatus {
  private readonly logger = new Logger('Redis');
  private up = false;
  private downSince: number | null = Date.now();
  private announced = false;
  private suspectUntil = 0;
  private lastOtherError = 0;
  private closing = false;
  private connections = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The main connection: its `ready` and `close` events decide whether Redis is up. */
  track(client: Redis): void {
    client.on('ready', () => this.markUp());
    client.on('close', () => this.markDown('connection closed'));
    client.on('end', () => this.markDown('connection ended'));
    client.on('error', (error: Error) => this.markDown(error.message));
    if (client.status === 'ready') this.markUp();
  }

  /** Any other client, queue or worker: its `error` events are absorbed here (an unhandled one would print a trace). */
  watch(emitter: EventEmitter, name: string): void {
    emitter.on('error', (error: Error) => {
      if (!this.up || Date.now() - this.lastOtherError < 60_000) return;
      this.lastOtherError = Date.now();
      this.logger.warn({ connection: name, reason: error.message }, 'a Redis connection failed while the main one works');
    });
  }

  /**
   * Counts the times the main connection became ready: what a process remembers of Redis's contents (jobs it added)
   * holds only while this stays the same, since a server that restarted may have lost them.
   */
  connection(): number {
    return this.connections;
  }

  isUp(): boolean {
    return this.up && Date.now() >= this.suspectUntil;
  }

  async bounded<T>(work: () => Promise<T>): Promise<T> {
    if (!this.up) throw new RedisUnavailableError('not connected');
    if (Date.now() < this.suspectUntil) throw new RedisUnavailableError('not answering');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.suspectUntil = Date.now() + SUSPECT_MS;
        reject(new RedisUnavailableError(`no answer within ${this.config.redisCommandTimeoutMs} ms`));
      }, this.config.redisCommandTimeoutMs);
    });
    try {
      return await Promise.race([work(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private markUp(): void {
    const wasDown = this.downSince;
    if (!this.up) this.connections += 1;
    this.up = true;
    this.suspectUntil = 0;
    this.downSince = null;
    if (this.announced && wasDown !== null) {
      this.logger.log({ redis_url: redactedUrl(this.config.redisUrl), outage_seconds: Math.round((Date.now() - wasDown) / 1000) }, 'Redis is reachable again');
    }
    this.announced = false;
  }

  /** Before the application closes its connections on purpose: nothing more is announced. */
  close(): void {
    this.closing = true;
  }

  private markDown(reason: string): void {
    if (this.up) {
      this.up = false;
      this.downSince = Date.now();
    }
    if (this.announced || this.closing) return;
    this.announced = true;
    this.logger.warn(
      { redis_url: redactedUrl(this.config.redisUrl), reason },
      'Redis is unreachable: readiness answers 503, changes are kept in the outbox and sent when it returns; retrying',
    );
  }
}
