import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { RateLimitedError } from '@/common/errors/domain-error';
import type { EdgeRequest } from '@/common/http/edge-hooks';
import { createRedis } from '@/infra/redis/redis.module';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { RedisStatus } from '@/infra/redis/redis-status';
import { Metrics } from '@/modules/metrics/metrics.registry';
import { LocalTallies } from './local-tallies';

export type LimitName = 'ip' | 'key' | 'auth_failures';

const BLOCK_TOPIC = 'rate-limit-block';
/** Blocked IPs kept in memory (about 100 bytes each); past it, new blocks rely on the counter in Redis alone. */
const MAX_BLOCKED = 100_000;

/**
 * Fixed-window counters in Redis (rate-limiter-flexible), so limits hold across every API process: requests per
 * client IP, requests per API key, and failed authentications per IP, which once over their (smaller) budget turn
 * every request from that IP into `429` until the window ends. A limit of 0 is off. While Redis is away each
 * process counts in memory instead (the library's insurance limiter), so an outage neither blocks nor unlimits.
 *
 * A failed authentication is counted before its `401` is answered, so an IP gets at most its budget of `401`s per
 * window however many guesses it sends at once. An IP over that budget is blocked in memory, in this process at
 * once and in the others by a pub/sub message, so that checking it costs no Redis call per request; a process that
 * missed the message blocks the IP at its next failure, which still counts in Redis.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();
  /** The per-IP and per-key limits, counted in memory while far from their budget (local-tallies.ts). */
  private readonly tallies = new Map<LimitName, LocalTallies>();
  /** IP -> blocked until (ms since epoch), for the failed-authentication limit. */
  private readonly blocked = new Map<string, number>();
  /** Requests whose failed authentication is counted already. */
  private readonly countedRequests = new WeakSet<EdgeRequest>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    status: RedisStatus,
    private readonly metrics: Metrics,
    private readonly bus: InvalidationBus,
  ) {
    bus.on(BLOCK_TOPIC, (message) => {
      const until = Number(message?.data?.until);
      if (message?.id && Number.isFinite(until)) this.block(message.id, until);
    });
    // Fails at once while Redis is away (no offline queue), then the in-memory insurance counts.
    this.redis = createRedis(config, 'rate-limits', { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: config.redisCommandTimeoutMs });
    status.watch(this.redis, 'rate-limits');
    const { perIp, perKey, windowSeconds, authFailuresPerIp, authFailureWindowSeconds } = config.rateLimits;
    const add = (name: LimitName, points: number, duration: number) => {
      if (points <= 0) return;
      this.limiters.set(
        name,
        new RateLimiterRedis({
          storeClient: this.redis,
          keyPrefix: `${config.redisPrefix}:rl:${name}`,
          points,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ points, duration }),
        }),
      );
    };
    add('ip', perIp, windowSeconds);
    add('key', perKey, windowSeconds);
    add('auth_failures', authFailuresPerIp, authFailureWindowSeconds);
    for (const [name, points] of [['ip', perIp], ['key', perKey]] as const) {
      const limiter = this.limiters.get(name);
      if (limiter) this.tallies.set(name, new LocalTallies(limiter, points));
    }
  }

  /**
   * Counts one request against `name` (`ip` or `key`) for `subject`: undefined when admitted from memory, else a
   * promise; `429 rate_limited` with Retry-After once over the limit (thrown or rejected).
   */
  consume(name: 'ip' | 'key', subject: string): Promise<void> | undefined {
    const pending = this.tallies.get(name)?.consume(subject);
    return pending?.catch((rejection: unknown) => {
      throw this.refusal(name, rejection);
    });
  }

  /** Refuses an IP blocked for failed authentications, from memory. */
  checkBlocked(ip: string): void {
    const until = this.blocked.get(ip);
    if (until === undefined) return;
    if (until <= Date.now()) {
      this.blocked.delete(ip);
      return;
    }
    this.metrics.rateLimited.inc({ limit: 'auth_failures' });
    throw new RateLimitedError(Math.max(1, Math.ceil((until - Date.now()) / 1000)), 'auth_failures');
  }

  /**
   * Counts a failed authentication before its `401` goes out, so that parallel guesses cannot outrun the budget:
   * resolves while within it; past it, blocks the IP everywhere and rejects with `429 rate_limited`
   * (limit `auth_failures`), which is then the answer. A request is counted once (see `counted`).
   */
  async countAuthFailure(request: EdgeRequest): Promise<void> {
    this.countedRequests.add(request);
    const limiter = this.limiters.get('auth_failures');
    if (!limiter) return;
    try {
      await limiter.consume(request.ip);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return;
      const until = Date.now() + rejection.msBeforeNext;
      this.block(request.ip, until);
      await this.bus.publish({ topic: BLOCK_TOPIC, tenantId: '*', id: request.ip, data: { until } });
      throw this.refusal('auth_failures', rejection);
    }
  }

  /** Whether the request's failed authentication was counted before its answer (countAuthFailure). */
  counted(request: EdgeRequest): boolean {
    return this.countedRequests.has(request);
  }

  /** Counts a `401` answered without countAuthFailure (after it went out). Never rejects. */
  async recordAuthFailure(request: EdgeRequest): Promise<void> {
    await this.countAuthFailure(request).catch(() => undefined);
  }

  private block(ip: string, until: number): void {
    if (this.blocked.size >= MAX_BLOCKED) {
      const now = Date.now();
      for (const [known, end] of this.blocked) if (end <= now) this.blocked.delete(known);
    }
    if (this.blocked.size < MAX_BLOCKED) this.blocked.set(ip, until);
  }

  private refusal(name: LimitName, rejection: unknown): Error {
    if (!(rejection instanceof RateLimiterRes)) return rejection instanceof Error ? rejection : new Error(String(rejection));
    this.metrics.rateLimited.inc({ limit: name });
    return new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), name);
  }

  onApplicationShutdown(): void {
    for (const tallies of this.tallies.values()) tallies.stop();
    this.redis.disconnect();
  }
}
