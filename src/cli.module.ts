import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/config/config';
import { ConfigModule } from '@/config/config.module';
import { PrismaModule } from '@/infra/prisma/prisma.module';
import { RedisModule } from '@/infra/redis/redis.module';
import { AuditModule } from '@/modules/audit/audit.module';
import { TenantStateModule } from '@/modules/tenant-state/tenant-state.module';
import { TenantsModule } from '@/modules/tenants/tenants.module';

/** The slice of the application the CLI needs: no HTTP, no workers. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), PrismaModule, RedisModule, TenantStateModule, AuditModule, TenantsModule],
    };
  }
}
