import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { Lifecycle } from '@/infra/lifecycle/lifecycle';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { REDIS } from '@/infra/redis/redis.module';
import { DomainError } from '@/common/errors/domain-error';

const TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** 503 while a dependency does not answer within 2 s, and from the moment a shutdown signal arrived. */
  async ready(): Promise<{ status: 'ok'; checks: Record<string, 'ok'> }> {
    if (this.lifecycle.draining) throw new DomainError('unavailable', 'Shutting down', { draining: true });
    const [postgres, redis] = await Promise.all([
      probe(() => this.prisma.$queryRaw`SELECT 1`),
      probe(() => this.redis.ping()),
    ]);
    if (postgres !== 'ok' || redis !== 'ok') {
      throw new DomainError('unavailable', 'A dependency is not answering', { checks: { postgres, redis } });
    }
    return { status: 'ok', checks: { postgres, redis } };
  }
}
