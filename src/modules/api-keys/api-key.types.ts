import type { Role } from '@/common/auth/roles';

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  role: Role;
  secretHash: Uint8Array;
  subjectEmail: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  /** The one person the key acts as; null: a service key of a trusted portal. */
  subject_email: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** The secret, shown this once. */
  key: string;
}

export function toApiKeyView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    subject_email: record.subjectEmail,
    created_at: record.createdAt.toISOString(),
    revoked_at: record.revokedAt?.toISOString() ?? null,
  };
}
