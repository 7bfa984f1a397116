export const PROVIDER_TYPES = ['oidc', 'cloudflare_access'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** The claim names read from a token (PRODUCT.md section 16). */
export interface ClaimNames {
  email: string;
  groups: string;
  name: string;
  amr: string;
}

export const DEFAULT_CLAIMS: ClaimNames = { email: 'email', groups: 'groups', name: 'name', amr: 'amr' };

export interface IdentityProviderRecord {
  id: string;
  tenantId: string;
  name: string;
  type: ProviderType;
  /** Without a trailing slash. */
  issuer: string;
  audience: string;
  jwksUri: string | null;
  claims: ClaimNames;
  adminGroups: string[];
  auditorGroups: string[];
  clientId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface IdentityProviderView {
  id: string;
  name: string;
  type: ProviderType;
  issuer: string;
  audience: string;
  jwks_uri: string | null;
  claims: ClaimNames;
  admin_groups: string[];
  auditor_groups: string[];
  client_id: string | null;
  created_at: string;
  updated_at: string;
}

export function toIdentityProviderView(record: IdentityProviderRecord): IdentityProviderView {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    issuer: record.issuer,
    audience: record.audience,
    jwks_uri: record.jwksUri,
    claims: record.claims,
    admin_groups: record.adminGroups,
    auditor_groups: record.auditorGroups,
    client_id: record.clientId,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** Where the provider's keys are: `jwks_uri`, else the discovery document (oidc) or Cloudflare's certs path. */
export const defaultJwksUri = (record: Pick<IdentityProviderRecord, 'type' | 'issuer' | 'jwksUri'>): string | null =>
  record.jwksUri ?? (record.type === 'cloudflare_access' ? `${record.issuer}/cdn-cgi/access/certs` : null);
