import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { RateLimitedError } from '@/common/errors/domain-error';
import { createRedis } from '@/infra/redis/redis.module';
import { RedisStatus } from '@/infra/redis/redis-status';
import { Metrics } from '@/modules/metrics/metrics.registry';

export type LimitName = 'ip' | 'key' | 'auth_failures';

/**
 * Fixed-window counters in Redis (rate-limiter-flexible), so limits hold across every API process: requests per
 * client IP, requests per API key, and failed authentications per IP, which once over their (smaller) budget turn
 * every request from that IP into `429` until the window ends. A limit of 0 is off. While Redis is away each
 * process counts in memory instead (the library's insurance limiter), so an outage neither blocks nor unlimits.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    status: RedisStatus,
    private readonly metrics: Metrics,
  ) {
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
  }

  /** Counts one request against `name` for `subject`; `429 rate_limited` with Retry-After once over the limit. */
  async consume(name: LimitName, subject: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    try {
      await limiter.consume(subject);
    } catch (rejection) {
      throw this.refusal(name, rejection);
    }
  }

  /** Refuses a subject already over `name` without counting this request. */
  async check(name: LimitName, subject: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    const state = await limiter.get(subject).catch(() => null);
    if (state && state.consumedPoints > limiter.points) throw this.refusal(name, state);
  }

  /** Counts a failure (never throws: the response is already decided). */
  record(name: LimitName, subject: string): void {
    this.limiters.get(name)?.consume(subject).catch(() => undefined);
  }

  private refusal(name: LimitName, rejection: unknown): Error {
    if (!(rejection instanceof RateLimiterRes)) return rejection instanceof Error ? rejection : new Error(String(rejection));
    this.metrics.rateLimited.inc({ limit: name });
    return new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), name);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
