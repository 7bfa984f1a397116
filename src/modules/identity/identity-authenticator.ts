import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, JWTPayload, jwtVerify } from 'jose';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { AuthContext, Person, personRoles } from '@/common/auth/roles';
import { DomainError } from '@/common/errors/domain-error';
import { TtlMap } from '@/common/async/ttl-map';
import { IdentityProviderRecord } from './identity-provider.types';
import { IdentityProvidersRepository } from './identity-providers.repository';
import { normalizeIssuer } from './issuer-url';
import { KeySets } from './key-sets';
import { faultOf, tokenRejected } from './token-faults';
import { personFromClaims } from './person-claims';

/** Signature algorithms accepted: public-key ones only (never `none`, never HMAC with a published key). */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Clock skew tolerated on `exp` and `nbf` (seconds). */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longest the tenant's provider list is used without reading it again (ms); other processes hear changes on the bus. */
const PROVIDERS_TTL_MS = 1000;
/**
 * Tenants whose provider lists are kept at most: the tenant id comes from X-Tenant-ID before any authentication,
 * so without a bound every made-up id sent with a token would stay in memory.
 */
export const MAX_PROVIDER_LISTS = 10_000;

/** Where the token came from: `Authorization: Bearer` or Cloudflare Access's `Cf-Access-Jwt-Assertion`. */
export type TokenSource = 'bearer' | 'cloudflare';

export interface VerifiedToken {
  provider: IdentityProviderRecord;
  person: Person;
  claims: JWTPayload;
}

/**
 * PRODUCT.md section 16: a person's token, verified with `jose` against the tenant's identity provider whose
 * issuer it names, becomes the caller. Every fault is `401 unauthenticated` with `details.reason`; a key set or
 * discovery document that cannot be fetched is `503 unavailable` (the token may well be good).
 */
@Injectable()
export class IdentityAuthenticator implements OnModuleInit {
  private readonly keySets: KeySets;
  private readonly providers = new TtlMap<Promise<IdentityProviderRecord[]>>(PROVIDERS_TTL_MS, MAX_PROVIDER_LISTS);

  constructor(
    private readonly repository: IdentityProvidersRepository,
    private readonly bus: InvalidationBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keySets = new KeySets({ allowInsecure: config.identity.allowInsecureIssuers, cooldownMs: config.identity.jwksCooldownMs, maxAgeMs: config.identity.jwksMaxAgeMs });
  }

  onModuleInit(): void {
    this.bus.on('identity-provider', (message) => {
      if (message) this.providers.delete(message.tenantId);
      else this.providers.clear();
      this.keySets.clear();
    });
  }

  /** The caller a token authenticates, with the roles its groups give. */
  async authenticate(tenantId: string, token: string, source: TokenSource): Promise<AuthContext> {
    const { provider, person } = await this.verify(tenantId, token, source);
    return { tenantId, keyId: null, roles: personRoles(person.groups, provider.adminGroups, provider.auditorGroups), subjectEmail: person.email, person };
  }

  async verify(tenantId: string, token: string, source: TokenSource, audience?: string): Promise<VerifiedToken> {
    let alg: string | undefined;
    let issuer: string | undefined;
    let audiences: unknown[] = [];
    try {
      alg = decodeProtectedHeader(token).alg;
      const unverified = decodeJwt(token);
      issuer = unverified.iss;
      audiences = Array.isArray(unverified.aud) ? unverified.aud : [unverified.aud];
    } catch {
      throw tokenRejected('malformed');
    }
    if (alg === undefined || !ACCEPTED_ALGORITHMS.includes(alg)) throw tokenRejected('algorithm');
    const wanted = source === 'cloudflare' ? ['cloudflare_access'] : ['oidc', 'cloudflare_access'];
    // One issuer may be registered once per audience (two clients of one IdP): the token's (unverified) `aud` picks
    // the provider, whose audience jwtVerify then checks.
    const candidates = (await this.providersOf(tenantId)).filter((p) => wanted.includes(p.type) && issuer !== undefined && p.issuer === normalizeIssuer(issuer));
    const provider = candidates.find((p) => audiences.includes(audience ?? p.audience)) ?? candidates[0];
    if (!provider) throw tokenRejected('issuer');
    let claims: JWTPayload;
    try {
      const keys = await this.keySets.forProvider(provider);
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: [provider.issuer, `${provider.issuer}/`],
        audience: audience ?? provider.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const fault = faultOf(error);
      if (fault) throw tokenRejected(fault);
      throw new DomainError('unavailable', `The signing keys of identity provider "${provider.name}" could not be fetched`);
    }
    const person = personFromClaims(provider.name, claims as Record<string, unknown>, provider.claims);
    if (!person) throw tokenRejected('claims');
    return { provider, person, claims };
  }

  /** Tenants whose provider lists are in memory now (for tests). */
  get cachedProviderLists(): number {
    return this.providers.size;
  }

  /** The tenant's providers, read at most once per PROVIDERS_TTL_MS. */
  providersOf(tenantId: string): Promise<IdentityProviderRecord[]> {
    const cached = this.providers.get(tenantId);
    if (cached) return cached;
    const list = this.repository.all(tenantId);
    this.providers.set(tenantId, list);
    list.catch(() => this.providers.deleteIf(tenantId, list));
    return list;
  }
}
