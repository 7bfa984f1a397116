import { Global, Injectable, Module } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** What the edge hooks see of a request: a FastifyRequest has it, and so does a hot route's request (hot-requests.ts). */
export interface EdgeRequest {
  readonly method: string;
  readonly url: string;
  /** The client's address, after TRUST_PROXY. */
  readonly ip: string;
  readonly id: string;
  /** The matched route's pattern (`/v1/grants/:id`); undefined when no route matched. */
  readonly routeOptions: { readonly url?: string };
}

/**
 * Work every request gets before and after its route, whether Fastify routes it or it is a hot route served
 * below Fastify: register it here once and both run it, in the order of registration.
 */
export interface EdgeHook {
  /** Before the body is read: undefined when done at once, else a promise; throw or reject to refuse the request. */
  onRequest?(request: EdgeRequest): Promise<void> | undefined;
  /** Once the answer is sent (`elapsedMs`: since the request arrived); nothing waits for it, and a failure is logged. */
  onResponse?(request: EdgeRequest, statusCode: number, elapsedMs: number): Promise<void> | undefined;
}

/** The registered edge hooks; `install` runs them as Fastify hooks, HotRoutes runs them on hot routes. */
@Injectable()
export class EdgeHooks {
  private readonly before: Required<Pick<EdgeHook, 'onRequest'>>[] = [];
  private readonly after: Required<Pick<EdgeHook, 'onResponse'>>[] = [];

  /** Call from a module's onModuleInit (before the server listens). */
  add(hook: EdgeHook): void {
    if (hook.onRequest) this.before.push({ onRequest: hook.onRequest.bind(hook) });
    if (hook.onResponse) this.after.push({ onResponse: hook.onResponse.bind(hook) });
  }

  /** Runs the onRequest hooks in order: undefined when all were done at once, else a promise of the rest. */
  onRequest(request: EdgeRequest, from = 0): Promise<void> | undefined {
    for (let i = from; i < this.before.length; i += 1) {
      const pending = this.before[i].onRequest(request);
      if (pending) return pending.then(() => this.onRequest(request, i + 1));
    }
    return undefined;
  }

  /** Starts the onResponse hooks without waiting for them; each one's failure is passed to `onError`. */
  onResponse(request: EdgeRequest, statusCode: number, elapsedMs: number, onError: (error: unknown) => void): void {
    for (const hook of this.after) {
      try {
        hook.onResponse(request, statusCode, elapsedMs)?.catch(onError);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** Call before the application initialises: one Fastify onRequest and one onResponse hook run the registered ones. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, _reply, done) => {
      let pending: Promise<void> | undefined;
      try {
        pending = this.onRequest(request);
      } catch (error) {
        return done(error as Error);
      }
      if (!pending) return done();
      pending.then(() => done(), done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.onResponse(request, reply.statusCode, reply.elapsedTime, (error) => request.log.error({ err: error }, 'response hook failed'));
      done();
    });
  }
}

@Global()
@Module({ providers: [EdgeHooks], exports: [EdgeHooks] })
export class EdgeHooksModule {}
