import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '@/config/config';
import { ConfigModule } from '@/config/config.module';
import { RouteAccessCheck } from '@/common/auth/route-access.check';
import { HotRoutes } from '@/common/http/hot-routes';
import { EdgeHooksModule } from '@/common/http/edge-hooks';
import { ErrorFilter } from '@/common/errors/error.filter';
import { DeliveriesModule } from '@/modules/deliveries/deliveries.module';
import { DecisionsModule } from '@/modules/decisions/decisions.module';
import { LifecycleModule } from '@/infra/lifecycle/lifecycle';
import { MailModule } from '@/infra/mail/mail.module';
import { PrismaModule } from '@/infra/prisma/prisma.module';
import { QueueModule } from '@/infra/queue/queue.module';
import { RedisModule } from '@/infra/redis/redis.module';
import { AccessModule } from '@/modules/access/access.module';
import { ApiKeysModule } from '@/modules/api-keys/api-keys.module';
import { AuthGuard } from '@/modules/api-keys/auth.guard';
import { ApprovalsModule } from '@/modules/approvals/approvals.module';
import { AuditModule } from '@/modules/audit/audit.module';
import { CedarSchemaModule } from '@/modules/cedar-schema/cedar-schema.module';
import { EmailListsModule } from '@/modules/email-lists/email-lists.module';
import { EntitiesModule } from '@/modules/entities/entities.module';
import { GrantsModule } from '@/modules/grants/grants.module';
import { IdentityModule } from '@/modules/identity/identity.module';
import { HealthModule } from '@/modules/health/health.module';
import { MetricsModule } from '@/modules/metrics/metrics.module';
import { MetricsRegistryModule } from '@/modules/metrics/metrics.registry';
import { RateLimitsModule } from '@/modules/rate-limits/rate-limits.module';
import { NotificationChannelsModule } from '@/modules/notification-channels/notification-channels.module';
import { NotificationsModule } from '@/modules/notifications/notifications.module';
import { PoliciesModule } from '@/modules/policies/policies.module';
import { PolicyBundlesModule } from '@/modules/policy-bundles/policy-bundles.module';
import { SchemaDataModule } from '@/modules/cedar-schema/schema-data.module';
import { EntityDataModule } from '@/modules/entities/entity-data.module';
import { PolicyDataModule } from '@/modules/policies/policy-data.module';
import { AccessDataModule } from '@/modules/cloudflare-access/access-data.module';
import { CloudflareAccessModule } from '@/modules/cloudflare-access/cloudflare-access.module';
import { TenantStateModule } from '@/modules/tenant-state/tenant-state.module';
import { TenantsModule } from '@/modules/tenants/tenants.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const grants = GrantsModule.register({ worker: config.processRole !== 'api' });
    const notifications = NotificationsModule.register(grants, { worker: config.processRole !== 'api' });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DiscoveryModule,
        EdgeHooksModule,
        LifecycleModule,
        MetricsRegistryModule,
        RateLimitsModule,
        PrismaModule,
        RedisModule,
        TenantStateModule,
        PolicyDataModule,
        AccessDataModule,
        EntityDataModule,
        SchemaDataModule,
        QueueModule,
        MailModule,
        AuditModule,
        ApiKeysModule,
        IdentityModule,
        TenantsModule,
        EmailListsModule,
        NotificationChannelsModule,
        notifications,
        HealthModule,
        DeliveriesModule.register(notifications, { worker: config.processRole !== 'api' }),
        DecisionsModule,
        PoliciesModule.register(grants),
        CloudflareAccessModule.register(grants),
        PolicyBundlesModule.register(grants),
        EntitiesModule,
        CedarSchemaModule,
        grants,
        AccessModule.register(grants),
        ApprovalsModule.register(grants),
        MetricsModule.register(grants),
      ],
      // The guard every route passes (401, 403) is the HTTP application's: the CLI builds the modules without it.
      providers: [RouteAccessCheck, HotRoutes, { provide: APP_FILTER, useClass: ErrorFilter }, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
