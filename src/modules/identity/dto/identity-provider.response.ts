import { ApiProperty } from '@nestjs/swagger';
import { type ClaimNames, type IdentityProviderView, PROVIDER_TYPES, type ProviderType } from '@/modules/identity/identity-provider.types';
import type { Page } from '@/common/http/pagination';

/** The claim names read from the provider's tokens. */
export class ClaimNamesResponse implements ClaimNames {
  email!: string;
  groups!: string;
  name!: string;
  amr!: string;
}

/** A token issuer the tenant trusts (PRODUCT.md section 16). */
export class IdentityProviderResponse implements IdentityProviderView {
  id!: string;
  name!: string;
  @ApiProperty({ enum: PROVIDER_TYPES })
  type!: ProviderType;
  /** Without a trailing slash. */
  issuer!: string;
  audience!: string;
  jwks_uri!: string | null;
  claims!: ClaimNamesResponse;
  admin_groups!: string[];
  auditor_groups!: string[];
  /** The public client approval links sign in with (`oidc` only). */
  client_id!: string | null;
  created_at!: string;
  updated_at!: string;
}

export class IdentityProviderPageResponse implements Page<IdentityProviderView> {
  data!: IdentityProviderResponse[];
  next_cursor!: string | null;
}
