import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

/** A person the test provider knows: its account id is `id`. */
export interface OidcPerson {
  id: string;
  email: string;
  name?: string;
  groups: string[];
  amr?: string[];
}

export interface SigningKey {
  kid: string;
  /** Private JWK (with `kid`, `alg`, `use`). */
  jwk: JWK;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
}

export const AUDIENCE = 'urn:jit-access';

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }, privateKey };
}

export interface TestOidcOptions {
  people: OidcPerson[];
  /** Routes to move (e.g. `{jwks: '/cdn-cgi/access/certs'}`, where Cloudflare Access publishes its keys). */
  routes?: Record<string, string>;
  /** Redirect URIs of the public `jit-approvals` client (authorization code with PKCE). */
  redirectUris?: string[];
}

/**
 * A real `oidc-provider` on 127.0.0.1 in the test process. Each person has a confidential client of the same id
 * whose client-credentials access tokens are JWTs for AUDIENCE carrying that person's claims (a token issued by the
 * provider without a browser); `jit-approvals` is a public client for the browser sign-in. `rotate` replaces the
 * signing keys (a new Provider behind the same issuer URL), `sign` makes tokens with any key for the fault tests.
 */
export class TestOidcProvider {
  private provider!: Provider;
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    private readonly options: TestOidcOptions,
    public keys: SigningKey[],
  ) {}

  static async start(options: TestOidcOptions): Promise<TestOidcProvider> {
    let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const oidc = new TestOidcProvider(server, issuer, options, [await newSigningKey('key-1')]);
    oidc.build();
    handler = (req, res) => void oidc.provider.callback()(req, res);
    return oidc;
  }

  /** Serves `keys` from now on (the first signs new tokens). */
  rotate(keys: SigningKey[]): void {
    this.keys = keys;
    this.build();
  }

  private build(): void {
    const people = new Map(this.options.people.map((p) => [p.id, p]));
    const claimsOf = (id: string) => {
      const person = people.get(id);
      return person ? { sub: id, email: person.email, email_verified: true, name: person.name ?? id, groups: person.groups, amr: person.amr ?? ['pwd'] } : { sub: id };
    };
    this.provider = new Provider(this.issuer, {
      clients: [
        ...this.options.people.map((p) => ({ client_id: p.id, client_secret: `secret-${p.id}`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] })),
        { client_id: 'jit-approvals', token_endpoint_auth_method: 'none', redirect_uris: this.options.redirectUris ?? ['http://127.0.0.1/unused'], grant_types: ['authorization_code'], response_types: ['code'] },
      ],
      jwks: { keys: this.keys.map((k) => k.jwk) },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
      scopes: ['openid', 'email', 'profile', 'groups', 'api'],
      conformIdTokenClaims: false,
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => claimsOf(id) }),
      extraTokenClaims: (_ctx, token) => {
        const clientId = (token as { clientId?: string }).clientId;
        if (token.kind !== 'ClientCredentials' || clientId === undefined) return undefined;
        const { sub: _sub, ...claims } = claimsOf(clientId);
        return { ...claims, auth_time: Math.floor(Date.now() / 1000) };
      },
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'api', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        },
      },
      pkce: { required: () => true },
      routes: this.options.routes,
      cookies: { keys: ['test-cookie-key-0123456789'] },
      ttl: { ClientCredentials: 600, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60 },
    });
    this.provider.proxy = false;
  }

  /** An access token the provider issues for `personId` (client credentials of that person's client). */
  async tokenFor(personId: string): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${personId}:secret-${personId}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource: AUDIENCE }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`token request failed: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  /** A token signed by `key` (default: the provider's current key) with `claims` over sensible defaults. */
  sign(claims: Record<string, unknown>, options: { key?: SigningKey; kid?: string; issuer?: string } = {}): Promise<string> {
    const key = options.key ?? this.keys[0];
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ aud: AUDIENCE, iss: options.issuer ?? this.issuer, iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? key.kid })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
