import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/generated/prisma/client';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';

export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Transactions of one grant or tenant queue on its locks by design (advisory, row, counters): give a transaction
    // up to 5 s to get a pooled connection and 15 s to finish instead of Prisma's 2 s and 5 s.
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 10 }), transactionOptions: { maxWait: 5_000, timeout: 15_000 } });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
