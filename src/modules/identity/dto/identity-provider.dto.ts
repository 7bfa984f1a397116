import { PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IfPresent } from '@/common/http/validation';
import { PROVIDER_TYPES } from '../identity-provider.types';
import type { ProviderType } from '../identity-provider.types';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Claim names to read; each defaults to its own name (`email`, `groups`, `name`, `amr`). */
export class ClaimNamesDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) email?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) groups?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) amr?: string;
}

export class CreateIdentityProviderDto {
  /** Unique within the tenant; names group parents `IdpGroup::"<name>/<group>"` and audit actors `<name>/<sub>`. */
  @IsString()
  @Matches(NAME, { message: 'name must be 1 to 64 letters, digits, ".", "_" or "-"' })
  name!: string;

  /** `oidc` (Authorization: Bearer) or `cloudflare_access` (Cf-Access-Jwt-Assertion). */
  @IsIn(PROVIDER_TYPES)
  type!: ProviderType;

  /** The tokens' `iss`: an OIDC issuer URL, or the Cloudflare Access team domain (`https://<team>.cloudflareaccess.com`). */
  @IsString()
  @MaxLength(2000)
  issuer!: string;

  /** The tokens' `aud` to accept: the client id, API audience, or Cloudflare Access application AUD tag. */
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  audience!: string;

  /** Where the signing keys are; default from discovery (`oidc`) or `<issuer>/cdn-cgi/access/certs`. */
  @IfPresent()
  @IsString()
  @MaxLength(2000)
  jwks_uri?: string;

  @IfPresent()
  @ValidateNested()
  @Type(() => ClaimNamesDto)
  claims?: ClaimNamesDto;

  /** Members of these groups are admins of the tenant. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  admin_groups?: string[];

  /** Members of these groups are auditors of the tenant. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  auditor_groups?: string[];

  /** The public client (authorization code with PKCE) approval links sign in with; `oidc` only. */
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  client_id?: string;
}

/** A partial change; `null` is refused. */
export class UpdateIdentityProviderDto extends PartialType(CreateIdentityProviderDto, { skipNullProperties: false }) {}
