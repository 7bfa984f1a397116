import { Module } from '@nestjs/common';
import { ApiKeysModule } from '@/modules/api-keys/api-keys.module';
import { IdentityModule } from '@/modules/identity/identity.module';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';
import { TenantsController } from './tenants.controller';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

@Module({
  imports: [ApiKeysModule, IdentityModule],
  controllers: [TenantsController, SettingsController],
  providers: [TenantsRepository, TenantsService, SettingsService],
  exports: [TenantsService, TenantsRepository],
})
export class TenantsModule {}
