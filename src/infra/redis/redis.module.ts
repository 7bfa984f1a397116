import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { InvalidationBus } from './invalidation-bus';

export const REDIS = Symbol('REDIS');

export function createRedis(config: AppConfig, name: string): Redis {
  return new Redis(config.redisUrl, { connectionName: `jit-${name}`, maxRetriesPerRequest: null, lazyConnect: false });
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRedis(config, 'main') },
    InvalidationBus,
  ],
  exports: [REDIS, InvalidationBus],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
