import { createRemoteJWKSet, JWTVerifyGetKey } from 'jose';
import { DomainError } from '@/common/errors/domain-error';
import { defaultJwksUri, IdentityProviderRecord } from './identity-provider.types';
import { issuerUrlProblem } from './issuer-url';

const FETCH_TIMEOUT_MS = 5000;
const DISCOVERY_TTL_MS = 10 * 60_000;
const MAX_SETS = 1000;

export interface KeySetOptions {
  allowInsecure: boolean;
  /** Least time between two fetches of one set caused by an unknown `kid` (ms). */
  cooldownMs: number;
  /** Longest a fetched set is used (ms). */
  maxAgeMs: number;
}

const unavailable = (message: string) => new DomainError('unavailable', message);

/**
 * The identity providers' signing keys, fetched with `jose` and cached per key URL: a token whose `kid` is not in
 * the cached set refetches it at most once per cooldown (key rotation), a set older than its maximum age is
 * fetched again. For `oidc` providers without `jwks_uri`, the key URL comes from the discovery document, whose
 * `issuer` must be the provider's.
 */
export class KeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();
  private readonly discovered = new Map<string, { uri: Promise<string>; at: number }>();

  constructor(private readonly options: KeySetOptions) {}

  async forProvider(provider: IdentityProviderRecord): Promise<JWTVerifyGetKey> {
    const uri = defaultJwksUri(provider) ?? (await this.discover(provider.issuer));
    let set = this.sets.get(uri);
    if (!set) {
      if (this.sets.size >= MAX_SETS) this.sets.delete(this.sets.keys().next().value as string);
      set = createRemoteJWKSet(new URL(uri), { cooldownDuration: this.options.cooldownMs, cacheMaxAge: this.options.maxAgeMs, timeoutDuration: FETCH_TIMEOUT_MS });
      this.sets.set(uri, set);
    }
    return set;
  }

  private discover(issuer: string): Promise<string> {
    const cached = this.discovered.get(issuer);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.uri;
    const uri = this.fetchDiscovery(issuer);
    this.discovered.set(issuer, { uri, at: Date.now() });
    uri.catch(() => this.discovered.delete(issuer));
    return uri;
  }

  private async fetchDiscovery(issuer: string): Promise<string> {
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw unavailable(`The discovery document of ${issuer} could not be read: ${(error as Error).message}`);
    }
    if (document.issuer !== issuer || typeof document.jwks_uri !== 'string') {
      throw unavailable(`The discovery document of ${issuer} names another issuer or no jwks_uri`);
    }
    const problem = issuerUrlProblem(document.jwks_uri, this.options.allowInsecure);
    if (problem) throw unavailable(`The jwks_uri of ${issuer} ${problem}`);
    return document.jwks_uri;
  }

  /** Forgets everything (an identity provider changed). */
  clear(): void {
    this.sets.clear();
    this.discovered.clear();
  }
}
