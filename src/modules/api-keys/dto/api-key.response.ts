import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@/common/auth/roles';
import type { ApiKeyView, CreatedApiKey } from '@/modules/api-keys/api-key.types';

/** An API key, without its secret. */
export class ApiKeyResponse implements ApiKeyView {
  id!: string;
  name!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  /** The one person the key acts as; null: a service key of a trusted portal. */
  subject_email!: string | null;
  created_at!: string;
  revoked_at!: string | null;
}

/** A new API key with its secret, shown this once. */
export class CreatedApiKeyResponse extends ApiKeyResponse implements CreatedApiKey {
  /** The secret for `X-API-Key`. */
  key!: string;
}

export class ApiKeyPageResponse {
  data!: ApiKeyResponse[];
  next_cursor!: string | null;
}
