import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { constantTimeEquals } from '@/common/auth/api-key-secret';
import { AUTH_CONTEXT } from '@/common/auth/auth.decorator';
import { Access, ACCESS_KEY, AuthContext, Role } from '@/common/auth/roles';
import { DomainError } from '@/common/errors/domain-error';
import { IdentityAuthenticator } from '@/modules/identity/identity-authenticator';
import { isCloudflareRoute } from '@/common/http/cloudflare-route';
import { RateLimiter } from '@/modules/rate-limits/rate-limiter';
import { ApiKeysService } from './api-keys.service';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** On Cloudflare's routes the SDK sends the API key as `Authorization: Bearer <key>` (its `apiToken`). */
const bearer = (request: FastifyRequest): string | undefined => /^Bearer ([^\s]+)$/i.exec(header(request, 'authorization') ?? '')?.[1];

/** Global guard: every route declares its access (see RouteAccessCheck); the order is 401, then 403. */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Each controller's handlers' access declarations, read once: route metadata does not change after start-up. */
  private readonly declared = new WeakMap<object, Map<object, Access | undefined>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly identity: IdentityAuthenticator,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * True, or throws 401/403; synchronous for a key already proven against the trusted cache (the hot path). A 401
   * rejects once its failed authentication is counted, or with `429` when it is one over the IP's budget.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    try {
      const verdict = this.verdict(context, request);
      return verdict instanceof Promise ? verdict.catch((error: unknown) => this.refused(request, error)) : verdict;
    } catch (error) {
      return this.refused(request, error);
    }
  }

  private async refused(request: FastifyRequest, error: unknown): Promise<never> {
    if (error instanceof DomainError && error.code === 'unauthenticated') await this.limiter.countAuthFailure(request);
    throw error;
  }

  private verdict(context: ExecutionContext, request: FastifyRequest): boolean | Promise<boolean> {
    const access = this.accessOf(context);
    if (!access) throw new DomainError('forbidden', 'Route has no access declaration');
    if (access.kind === 'public') return true;
    const cloudflare = isCloudflareRoute(request);
    const presented = header(request, 'x-api-key') ?? (cloudflare ? bearer(request) : undefined);
    if (access.kind === 'operator') {
      if (this.config.adminApiKey === null) throw new DomainError('not_found', 'Operator endpoints are disabled');
      if (!presented || !constantTimeEquals(presented, this.config.adminApiKey)) {
        throw new DomainError('unauthenticated', 'Missing or invalid operator key');
      }
      return true;
    }
    const roles = access.roles;
    const auth = presented === undefined ? this.person(request, header(request, 'x-tenant-id')) : this.keys.authenticate(presented);
    return auth instanceof Promise ? auth.then((resolved) => this.admit(request, roles, cloudflare, resolved)) : this.admit(request, roles, cloudflare, auth);
  }

  private accessOf(context: ExecutionContext): Access | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.declared.get(controller);
    if (!handlers) this.declared.set(controller, (handlers = new Map<object, Access | undefined>()));
    if (handlers.has(handler)) return handlers.get(handler);
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [handler, controller]);
    handlers.set(handler, access);
    return access;
  }

  /** The order is 401 (no key, no tenant), 403 tenant_mismatch, 403 forbidden (role). */
  private admit(request: FastifyRequest, roles: readonly Role[], cloudflare: boolean, auth: AuthContext | null): true {
    if (!auth) throw new DomainError('unauthenticated', 'Missing, unknown or revoked API key');
    // Cloudflare's clients send no X-Tenant-ID: the key's tenant, compared with the path's account_id by the route.
    const tenantId = header(request, 'x-tenant-id') ?? (cloudflare ? auth.tenantId : undefined);
    if (!tenantId) throw new DomainError('unauthenticated', 'X-Tenant-ID header is required');
    if (tenantId.toLowerCase() !== auth.tenantId) {
      throw new DomainError('tenant_mismatch', 'The API key does not belong to the tenant in X-Tenant-ID');
    }
    if (!roles.some((role) => auth.roles.includes(role))) {
      throw new DomainError('forbidden', `This call needs one of the roles: ${roles.join(', ')}`);
    }
    (request as unknown as Record<string, unknown>)[AUTH_CONTEXT] = auth;
    return true;
  }

  /**
   * A person's token (PRODUCT.md section 16): `Authorization: Bearer <jwt>` or `Cf-Access-Jwt-Assertion`, verified
   * against the identity providers of the tenant in `X-Tenant-ID`; null when neither header is there.
   */
  private async person(request: FastifyRequest, tenantId: string | undefined): Promise<AuthContext | null> {
    const assertion = header(request, 'cf-access-jwt-assertion');
    const bearer = BEARER.exec(header(request, 'authorization') ?? '')?.[1];
    const token = bearer ?? assertion;
    if (token === undefined) return null;
    if (!tenantId || !UUID.test(tenantId)) throw new DomainError('unauthenticated', 'X-Tenant-ID header is required with a token');
    return this.identity.authenticate(tenantId.toLowerCase(), token, bearer === undefined ? 'cloudflare' : 'bearer');
  }
}
