import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed';
import { TenantStateRepository } from './tenant-state.repository';

/** The tenants' change counters and the poller that carries them to every cache of this process. */
@Global()
@Module({
  providers: [TenantStateRepository, ChangeFeed],
  exports: [TenantStateRepository, ChangeFeed],
})
export class TenantStateModule {}
