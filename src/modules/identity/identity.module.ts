import { Module } from '@nestjs/common';
import { IdentityAuthenticator } from './identity-authenticator';
import { IdentityProvidersController } from './identity-providers.controller';
import { IdentityProvidersRepository } from './identity-providers.repository';
import { IdentityProvidersService } from './identity-providers.service';

/** PRODUCT.md section 16: identity providers and the verification of people's tokens. */
@Module({
  controllers: [IdentityProvidersController],
  providers: [IdentityProvidersRepository, IdentityProvidersService, IdentityAuthenticator],
  exports: [IdentityAuthenticator, IdentityProvidersRepository],
})
export class IdentityModule {}
