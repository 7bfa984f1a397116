import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { DomainError } from '@/common/errors/domain-error';
import { IdentityAuthenticator } from '@/modules/identity/identity-authenticator';
import type { IdentityProviderRecord } from '@/modules/identity/identity-provider.types';
import { TenantsRepository } from '@/modules/tenants/tenants.repository';
import { ServiceSecretsRepository } from './service-secrets.repository';
import { clearCookie, LOGIN_COOKIE, LOGIN_SECONDS, readCookie, seal, SESSION_COOKIE, SESSION_SECONDS, setCookie, unseal } from './sign-in-cookies';

/** The approver signed in on approval pages. */
export interface ApproverSession {
  tenant: string;
  email: string;
  provider: string;
  sub: string;
}

interface Login {
  tenant: string;
  provider: string;
  link: string;
  state: string;
  nonce: string;
  verifier: string;
}

export interface Redirect {
  location: string;
  cookies: string[];
}

export const CALLBACK_PATH = '/approvals/sign-in/callback';

/**
 * PRODUCT.md section 16: with `approval_requires_sign_in`, approval links first send the approver to the tenant's
 * `oidc` provider that has a `client_id` (authorization code with PKCE, state and nonce checked by
 * `openid-client`); the ID token is verified again with the provider's published keys, and the person is kept in a
 * sealed session cookie. The decision is recorded only for the link's approver. Cookies are sealed with
 * SESSION_SECRET, or when it is unset with a key the first process stores in the database for all of them.
 */
@Injectable()
export class ApprovalSignIn {
  private sealingKey: Promise<Uint8Array> | null = null;
  private readonly configurations = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly identity: IdentityAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secrets: ServiceSecretsRepository,
  ) {}

  private secret(): Promise<Uint8Array> {
    const configured = this.config.identity.sessionSecret;
    if (configured !== null) return Promise.resolve(new TextEncoder().encode(configured));
    this.sealingKey ??= this.secrets.getOrCreate('approval-sign-in', 32).catch((error: unknown) => {
      this.sealingKey = null;
      throw error;
    });
    return this.sealingKey;
  }

  async required(tenantId: string): Promise<boolean> {
    return (await this.tenants.settings(tenantId))?.approvalRequiresSignIn === true;
  }

  /** The signed-in approver of this tenant, from the session cookie; null when there is none. */
  async session(tenantId: string, cookies: string | undefined): Promise<ApproverSession | null> {
    const session = await unseal<ApproverSession>(await this.secret(), 'session', readCookie(cookies, SESSION_COOKIE));
    return session?.tenant === tenantId ? session : null;
  }

  /** Sends the approver of link `linkToken` to sign in. */
  async start(tenantId: string, linkToken: string): Promise<Redirect> {
    const provider = await this.provider(tenantId);
    const configuration = await this.configuration(provider);
    const login: Login = { tenant: tenantId, provider: provider.id, link: linkToken, state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: `${this.config.publicBaseUrl}${CALLBACK_PATH}`,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(login.verifier),
      code_challenge_method: 'S256',
      state: login.state,
      nonce: login.nonce,
    });
    return { location: url.href, cookies: [setCookie(LOGIN_COOKIE, await seal(await this.secret(), 'login', { ...login }, LOGIN_SECONDS), LOGIN_SECONDS)] };
  }

  /** The provider's answer: exchanges the code, checks the ID token, starts the session and returns to the link. */
  async finish(query: string, cookies: string | undefined): Promise<Redirect> {
    const login = await unseal<Login>(await this.secret(), 'login', readCookie(cookies, LOGIN_COOKIE));
    if (!login) throw new DomainError('unauthenticated', 'The sign-in expired or was not started here: open the approval link again');
    const provider = await this.provider(login.tenant, login.provider);
    const configuration = await this.configuration(provider);
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, new URL(`${this.config.publicBaseUrl}${CALLBACK_PATH}?${query}`), {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      throw new DomainError('unauthenticated', `The sign-in did not complete: ${(error as Error).message}`);
    }
    const { person } = await this.identity.verify(login.tenant, idToken ?? '', 'bearer', provider.clientId ?? undefined);
    const session: ApproverSession = { tenant: login.tenant, email: person.email, provider: person.provider, sub: person.sub };
    return {
      location: `${this.config.publicBaseUrl}/approvals/${encodeURIComponent(login.link)}`,
      cookies: [setCookie(SESSION_COOKIE, await seal(await this.secret(), 'session', { ...session }, SESSION_SECONDS), SESSION_SECONDS), clearCookie(LOGIN_COOKIE)],
    };
  }

  private async provider(tenantId: string, id?: string): Promise<IdentityProviderRecord> {
    const providers = await this.identity.providersOf(tenantId);
    const provider = providers.find((p) => p.type === 'oidc' && p.clientId !== null && (id === undefined || p.id === id));
    if (!provider) throw new DomainError('unavailable', 'Approvals need sign-in, but no oidc identity provider with a client_id is registered');
    return provider;
  }

  /** The provider's discovered configuration (cached); `unavailable` (503) when it cannot be fetched. */
  private configuration(provider: IdentityProviderRecord): Promise<oidc.Configuration> {
    const key = `${provider.issuer}|${provider.clientId}`;
    let configuration = this.configurations.get(key);
    if (!configuration) {
      const options = this.config.identity.allowInsecureIssuers ? { execute: [oidc.allowInsecureRequests] } : undefined;
      configuration = oidc.discovery(new URL(provider.issuer), provider.clientId as string, undefined, oidc.None(), options).catch((error: unknown) => {
        this.configurations.delete(key);
        throw new DomainError('unavailable', `The identity provider ${provider.name} cannot be reached for sign-in (${(error as Error).message}); try again later`);
      });
      this.configurations.set(key, configuration);
    }
    return configuration;
  }
}
