import { BeforeApplicationShutdown, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { InvalidationBus } from './invalidation-bus';
import { RedisStatus } from './redis-status';

export const REDIS = Symbol('REDIS');

export function createRedis(config: AppConfig, name: string, options: RedisOptions = {}): Redis {
  return new Redis(config.redisUrl, { connectionName: `jit-${name}`, maxRetriesPerRequest: null, lazyConnect: false, ...options });
}

@Global()
@Module({
  providers: [
    RedisStatus,
    {
      provide: REDIS,
      inject: [APP_CONFIG, RedisStatus],
      useFactory: (config: AppConfig, status: RedisStatus) => {
        const client = createRedis(config, 'main');
        status.track(client);
        return client;
      },
    },
    InvalidationBus,
  ],
  exports: [REDIS, InvalidationBus, RedisStatus],
})
export class RedisModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly status: RedisStatus,
  ) {}

  beforeApplicationShutdown(): void {
    this.status.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
