import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { constantTimeEquals } from '@/common/auth/api-key-secret';
import { AUTH_CONTEXT } from '@/common/auth/auth.decorator';
import { Access, ACCESS_KEY } from '@/common/auth/roles';
import { DomainError } from '@/common/errors/domain-error';
import { isCloudflareRoute } from '@/common/http/cloudflare-route';
import { ApiKeysService } from './api-keys.service';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

const bearer = (request: FastifyRequest): string | undefined => /^Bearer ([^\s]+)$/i.exec(header(request, 'authorization') ?? '')?.[1];

/** Global guard: every route declares its access (see RouteAccessCheck); the order is 401, then 403. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
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
    const auth = await this.keys.authenticate(presented);
    if (!auth) throw new DomainError('unauthenticated', 'Missing, unknown or revoked API key');
    // Cloudflare's clients send no X-Tenant-ID: the key's tenant, compared with the path's account_id by the route.
    const tenantId = header(request, 'x-tenant-id') ?? (cloudflare ? auth.tenantId : undefined);
    if (!tenantId) throw new DomainError('unauthenticated', 'X-Tenant-ID header is required');
    if (tenantId.toLowerCase() !== auth.tenantId) {
      throw new DomainError('tenant_mismatch', 'The API key does not belong to the tenant in X-Tenant-ID');
    }
    if (!access.roles.includes(auth.role)) {
      throw new DomainError('forbidden', `This call needs one of the roles: ${access.roles.join(', ')}`);
    }
    (request as unknown as Record<string, unknown>)[AUTH_CONTEXT] = auth;
    return true;
  }
}
