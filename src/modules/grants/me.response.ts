import type { AuthContext, Role } from '@/common/auth/roles';

/** GET /v1/me (PRODUCT.md section 16). */
export class MeResponse {
  /** The person (or a bound key's subject); null for a service key. */
  email!: string | null;
  name!: string | null;
  groups!: string[];
  roles!: Role[];
  /** The identity provider of a person's token. */
  provider!: string | null;
  /** The API key, when a key made the call. */
  key_id!: string | null;
}

export const whoIs = (auth: AuthContext): MeResponse => ({
  email: auth.subjectEmail,
  name: auth.person?.name ?? null,
  groups: auth.person?.groups ?? [],
  roles: auth.roles,
  provider: auth.person?.provider ?? null,
  key_id: auth.keyId,
});
