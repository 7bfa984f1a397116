import { CallHandler, ExecutionContext, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { AUTH_CONTEXT } from '@/common/auth/auth.decorator';
import type { AuthContext } from '@/common/auth/roles';
import type { HotInterceptor } from '@/common/http/hot-routes';
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
 * answer counts as a failed authentication of its IP.
 */
@Module({ providers: [RateLimiter, { provide: APP_INTERCEPTOR, useClass: KeyRateLimitInterceptor }] })
export class RateLimitsModule implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly limiter: RateLimiter,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const limited = (request: FastifyRequest) => !UNLIMITED.test(request.url);
    // Callback hooks: the common case decides in memory and should not cost a promise per request.
    fastify.addHook('onRequest', (request, _reply, done) => {
      if (!limited(request)) return done();
      let pending: Promise<void> | undefined;
      try {
        this.limiter.checkBlocked(request.ip);
        pending = this.limiter.consume('ip', request.ip);
      } catch (error) {
        return done(error as Error);
      }
      if (!pending) return done();
      pending.then(() => done(), done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode !== 401) return done();
      this.limiter.recordAuthFailure(request.ip).then(() => done(), done);
    });
  }
}
