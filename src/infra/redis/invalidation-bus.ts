import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { RedisStatus } from './redis-status';

import { BUS_TOPICS_CHECK, BusMessage, BusTopic } from './bus-topics';

/** `null`: everything cached for the topic must be dropped (the subscription reconnected). */
type Handler<T extends BusTopic> = (message: BusMessage<T> | null) => void;

/**
 * Tells every process that a cached thing changed. Handlers run at once in the publishing process and over Redis
 * pub/sub in the others. A handler called with `null` must drop everything it caches: that happens whenever the
 * subscription (re)connects, because messages published while it was down are lost.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InvalidationBus');
  private readonly handlers = new Map<BusTopic, Handler<BusTopic>[]>();
  private readonly channel: string;
  private subscriber?: Redis;
  private publisher?: Redis;
  private live = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisStatus,
  ) {
    this.channel = `${config.redisPrefix}:invalidate`;
  }

  on<T extends BusTopic>(topic: T, handler: Handler<T>): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler as Handler<BusTopic>]);
  }

  onModuleInit(): void {
    // Auto-pipelining: the invalidations of a batch (an expiry pass ends hundreds of grants) go out in one write.
    this.publisher = new Redis(this.config.redisUrl, { connectionName: 'jit-publisher', maxRetriesPerRequest: 2, enableAutoPipelining: true });
    this.subscriber = new Redis(this.config.redisUrl, { connectionName: 'jit-subscriber' });
    this.redis.watch(this.publisher, 'publisher');
    this.redis.watch(this.subscriber, 'subscriber');
    this.subscriber.on('ready', () => {
      this.live = true;
      this.dispatchAll(null);
    });
    this.subscriber.on('close', () => {
      this.live = false;
      this.dispatchAll(null);
    });
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const message = JSON.parse(raw) as BusMessage;
        if (typeof message.tenantId !== 'string' || !BUS_TOPICS_CHECK.includes(message.topic)) throw new Error('unknown topic');
        this.dispatch(message);
      } catch {
        this.logger.warn('ignored a malformed invalidation message');
      }
    });
    // Not awaited: with Redis away at start the process still starts (readiness says 503); ioredis subscribes once
    // it connects and again after every reconnect, and 'ready' then drops the caches.
    this.subscriber.subscribe(this.channel).catch((error: Error) => this.logger.warn({ err: error }, 'could not subscribe to invalidations yet'));
  }

  /** False while the subscription is down: caches must not be trusted then. */
  isLive(): boolean {
    return this.live;
  }

  /** Call after the change has committed. False when the other processes could not be told. */
  async publish<T extends BusTopic>(message: BusMessage<T>): Promise<boolean> {
    this.dispatch(message);
    if (!this.publisher) return false;
    try {
      const publisher = this.publisher;
      await this.redis.bounded(() => publisher.publish(this.channel, JSON.stringify(message)));
      return true;
    } catch (error) {
      if (this.redis.isUp()) this.logger.error({ err: error }, 'could not publish an invalidation');
      return false;
    }
  }

  private dispatch(message: BusMessage): void {
    for (const handler of this.handlers.get(message.topic) ?? []) handler(message);
  }

  private dispatchAll(message: null): void {
    for (const handlers of this.handlers.values()) for (const handler of handlers) handler(message);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.subscriber, this.publisher].map((client) => quietly(client)));
  }
}

async function quietly(client: Redis | undefined): Promise<void> {
  try {
    await client?.quit();
  } catch {
    // already closed
  }
}
