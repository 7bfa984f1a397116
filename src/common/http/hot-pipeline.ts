import { ArgumentMetadata, CanActivate, ExecutionContext, NestInterceptor, PipeTransform, Type } from '@nestjs/common';
import type { HttpArgumentsHost } from '@nestjs/common/interfaces';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@/common/errors/domain-error';
import type { HotRequest } from './hot-requests';

/** A global interceptor whose whole work can run before the handler (required of every one while hot routes exist). */
export interface HotInterceptor extends NestInterceptor {
  /** The interceptor's work before the handler: undefined when done at once, else a promise. */
  before(context: ExecutionContext): Promise<void> | undefined;
}

/** A request as guards and pipes read it: Fastify's, or a HotRequest served below Fastify. */
export type AnyRequest = FastifyRequest | HotRequest;
type Resolve = (request: AnyRequest, context: ExecutionContext) => unknown;

export interface HotRoute {
  controller: Type;
  instance: object;
  handler: (...args: unknown[]) => unknown;
  status: number;
  params: Resolve[];
}

interface ArgMetadata {
  index: number;
  data?: unknown;
  pipes?: (PipeTransform | Type<PipeTransform>)[];
  factory?: (data: unknown, context: ExecutionContext) => unknown;
}

/**
 * Nest's execution context whose `switchToHttp()` is itself: Nest's assigns three new closures to the context on
 * every call, and a hot route's guard, interceptor and parameter decorator each call it.
 */
class HotExecutionContext extends ExecutionContextHost implements HttpArgumentsHost {
  override switchToHttp(): HttpArgumentsHost {
    return this;
  }

  getRequest<T>(): T {
    return this.getArgByIndex<T>(0);
  }

  getResponse<T>(): T {
    return this.getArgByIndex<T>(1);
  }

  getNext<T>(): T {
    return this.getArgByIndex<T>(2);
  }
}

/** What Nest's router would run for a hot route, in its order, without its observables (hot-routes.ts). */
export class HotPipeline {
  constructor(
    private readonly guards: CanActivate[],
    private readonly interceptors: HotInterceptor[],
  ) {}

  /**
   * Guards, interceptors' `before`, parameter resolvers and the handler, in Nest's order: the handler's result, or
   * a promise of it as soon as one step is asynchronous (a hot path whose steps all answer from memory costs no
   * promise). Throws or rejects with the first refusal.
   */
  run(route: HotRoute, request: AnyRequest, reply: FastifyReply | undefined): unknown {
    const context = new HotExecutionContext([request, reply, undefined], route.controller, route.handler);
    return this.guard(route, request, context, 0);
  }

  private guard(route: HotRoute, request: AnyRequest, context: ExecutionContext, from: number): unknown {
    for (let i = from; i < this.guards.length; i += 1) {
      const verdict = this.guards[i].canActivate(context);
      if (verdict instanceof Promise) {
        return verdict.then((resolved) => {
          if (resolved !== true) throw new DomainError('forbidden', 'Forbidden resource');
          return this.guard(route, request, context, i + 1);
        });
      }
      if (verdict !== true) throw new DomainError('forbidden', 'Forbidden resource');
    }
    return this.intercept(route, request, context, 0);
  }

  private intercept(route: HotRoute, request: AnyRequest, context: ExecutionContext, from: number): unknown {
    for (let i = from; i < this.interceptors.length; i += 1) {
      const pending = this.interceptors[i].before(context);
      if (pending) return pending.then(() => this.intercept(route, request, context, i + 1));
    }
    return this.handle(route, request, context, [], 0);
  }

  private handle(route: HotRoute, request: AnyRequest, context: ExecutionContext, args: unknown[], from: number): unknown {
    for (let i = from; i < route.params.length; i += 1) {
      const value = route.params[i](request, context);
      if (value instanceof Promise) {
        return value.then((resolved: unknown) => {
          args.push(resolved);
          return this.handle(route, request, context, args, i + 1);
        });
      }
      args.push(value);
    }
    return route.handler.apply(route.instance, args);
  }
}

/** One resolver per handler parameter: `@Body(...pipes)` and custom parameter decorators, as Nest resolves them. */
export function paramResolvers(controller: Type, name: string, globalPipes: PipeTransform[]): Resolve[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, ArgMetadata>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, name) ?? []) as Type[];
  return Object.entries(metadata)
    .sort(([, a], [, b]) => a.index - b.index)
    .map(([key, arg]) => {
      const pipes = [...globalPipes, ...(arg.pipes ?? []).map((pipe) => (typeof pipe === 'function' ? new pipe() : pipe))];
      const meta: ArgumentMetadata = { type: 'body', metatype: types[arg.index], data: arg.data as string | undefined };
      if (arg.factory) {
        const factory = arg.factory;
        return (_request, context) => factory(arg.data, context);
      }
      if (key.split(':')[0] !== String(RouteParamtypes.BODY)) throw new Error(`${controller.name}.${name}: a hot route takes only @Body and custom parameters`);
      return (request) => transform(pipes, request.body, meta);
    });
}

/** Runs the pipes in order; synchronous while they are. */
function transform(pipes: PipeTransform[], value: unknown, meta: ArgumentMetadata): unknown {
  let current = value;
  for (let i = 0; i < pipes.length; i += 1) {
    const next = pipes[i].transform(current, meta) as unknown;
    if (next instanceof Promise) return next.then((resolved: unknown) => transform(pipes.slice(i + 1), resolved, meta));
    current = next;
  }
  return current;
}
