import { Module } from '@nestjs/common';
import { IdentityAuthenticator } from './identity-authenticator';
import { IdentityProvidersController } from './identity-providers.controller';
import { IdentityProvidersRepository } from './identity-providers.repository';
import { IdentityProvidersService } from './identity-providers.service';
import { TenantsRepository } from '@/modules/tenants/tenants.repository';

/** PRODUCT.md section 16: identity providers and the verification of people's tokens. */
@Module({
  controllers: [IdentityProvidersController],
  // TenantsRepository directly (not TenantsModule, which imports this one): the sign-in setting guards deletes.
  providers: [IdentityProvidersRepository, IdentityProvidersService, IdentityAuthenticator, TenantsRepository],
  exports: [IdentityAuthenticator, IdentityProvidersRepository],
})
export class IdentityModule {}
