import { CallHandler, ExecutionContext, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { from, Observable, switchMap } from 'rxjs';
import { AUTH_CONTEXT } from '@/common/auth/auth.decorator';
import type { AuthContext } from '@/common/auth/roles';
import type { HotInterceptor } from '@/common/http/hot-pipeline';
import { EdgeHook, EdgeHooks, EdgeRequest } from '@/common/http/edge-hooks';
import { RateLimiter } from './rate-limiter';

/** Probes and scrapes are not limited: a load balancer or Prometheus must never be locked out. */
const UNLIMITED = /^\/(health\/|metrics$)/;

/** Per-key limit, once the AuthGuard has authenticated the key (so a forged key id cannot spend a real key's budget). */
@Injectable()
export class KeyRateLimitInterceptor implements HotInterceptor {
  constructor(private readonly limiter: RateLimiter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const pending = this.before(context);
    return pending ? from(pending).pipe(switchMap(() => next.handle())) : next.handle();
  }

  before(context: ExecutionContext): Promise<void> | undefined {
    const auth = context.switchToHttp().getRequest<Record<string, unknown>>()[AUTH_CONTEXT] as AuthContext | undefined;
    return auth ? this.limiter.consume('key', auth.keyId ?? `person:${auth.tenantId}:${auth.subjectEmail ?? ''}`) : undefined;
  }
}

/**
 * Rate limits (README "Rate limits"): before anything else runs, an IP over its failed-authentication budget is
 * refused and the request counts against its IP's limit; after authentication, against its key's; every `401`
 * answer counts as a failed authentication of its IP (the AuthGuard's before they go out, others after). Edge
 * hooks, so hot routes get them too.
 */
@Module({ providers: [RateLimiter, { provide: APP_INTERCEPTOR, useClass: KeyRateLimitInterceptor }], exports: [RateLimiter] })
export class RateLimitsModule implements OnModuleInit, EdgeHook {
  constructor(
    private readonly edge: EdgeHooks,
    private readonly limiter: RateLimiter,
  ) {}

  onModuleInit(): void {
    this.edge.add(this);
  }

  // The common case decides in memory and costs no promise.
  onRequest(request: EdgeRequest): Promise<void> | undefined {
    if (UNLIMITED.test(request.url)) return undefined;
    this.limiter.checkBlocked(request.ip);
    return this.limiter.consume('ip', request.ip);
  }

  onResponse(request: EdgeRequest, statusCode: number): Promise<void> | undefined {
    return statusCode === 401 && !this.limiter.counted(request) ? this.limiter.recordAuthFailure(request) : undefined;
  }
}
