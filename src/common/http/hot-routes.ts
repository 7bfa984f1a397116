import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ArgumentMetadata, CanActivate, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, OnModuleInit, PipeTransform, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApplicationConfig, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { DomainError } from '@/common/errors/domain-error';
import { sendError } from '@/common/errors/error.filter';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { Lifecycle } from '@/infra/lifecycle/lifecycle';
import { jsonBodyParser } from './body-parsers';
import { EdgeHooks } from './edge-hooks';
import { HotRequest, HotRequests } from './hot-requests';

/**
 * Route config (`@RouteConfig(HOT_ROUTE)`) for a route served below Nest's router and, for plain JSON POSTs, below
 * Fastify too (hot-requests.ts): written like any other route (`@Post`, `@Roles`, `@Body(Pipe)`, `@Auth()`), and run
 * by HotRoutes with the same edge hooks, global guards, interceptors (their `before` step), pipes and error shape,
 * without the framework's per-request machinery. No request line.
 */
export const HOT_ROUTE = { requestLog: false, hotRoute: true } as const;

/** A global interceptor whose whole work can run before the handler (required of every one while hot routes exist). */
export interface HotInterceptor extends NestInterceptor {
  /** The interceptor's work before the handler: undefined when done at once, else a promise. */
  before(context: ExecutionContext): Promise<void> | undefined;
}

/** A request as guards and pipes read it: Fastify's, or a HotRequest served below Fastify. */
type AnyRequest = FastifyRequest | HotRequest;
type Resolve = (request: AnyRequest, context: ExecutionContext) => unknown;

interface HotRoute {
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

const isHotInterceptor = (interceptor: NestInterceptor): interceptor is HotInterceptor => typeof (interceptor as Partial<HotInterceptor>).before === 'function';
const routeKey = (method: string, url: string) => `${method} /${url.replace(/^\/+/, '')}`;
const joinPath = (base: string, path: string) => [base, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');

/**
 * Serves the routes marked HOT_ROUTE from a Fastify preHandler on their own route: after Fastify's hooks and body
 * parsing, as Nest would, but with plain awaits instead of the router's observables. Start-up refuses a hot route
 * whose handler has guards, interceptors or pipes of its own beyond parameter pipes, or a global interceptor
 * without a `before` step, so that nothing the router would run is skipped.
 */
@Injectable()
export class HotRoutes implements OnModuleInit {
  private readonly logger = new Logger('HotRoutes');
  private readonly routes = new Map<string, HotRoute>();
  private guards: CanActivate[] = [];
  private interceptors: HotInterceptor[] = [];
  private below?: HotRequests;
  private parseJson?: ReturnType<typeof jsonBodyParser>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly config: ApplicationConfig,
    private readonly edge: EdgeHooks,
    private readonly lifecycle: Lifecycle,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  /**
   * Call before the application initialises: hooks the routes marked HOT_ROUTE as Nest registers them (for requests
   * Fastify routes), and puts HotRequests in front of Fastify's request listener.
   */
  install(fastify: FastifyInstance): void {
    this.parseJson = jsonBodyParser(fastify);
    const server = fastify.server;
    const [fastifyListener] = server.listeners('request') as RequestListener[];
    server.removeListener('request', fastifyListener);
    server.on('request', (raw: IncomingMessage, res: ServerResponse) => {
      if (!this.below?.serve(raw, res)) fastifyListener.call(server, raw, res);
    });
    fastify.addHook('onRoute', (route) => {
      if ((route.config as { hotRoute?: boolean } | undefined)?.hotRoute !== true) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const key = routeKey(methods[0], route.url ?? route.path);
      const serve: preHandlerHookHandler = (request, reply) => this.serve(key, request, reply);
      route.preHandler = [...(Array.isArray(route.preHandler) ? route.preHandler : route.preHandler ? [route.preHandler] : []), serve];
    });
  }

  onModuleInit(): void {
    this.guards = this.config.getGlobalGuards() as CanActivate[];
    const interceptors = this.config.getGlobalInterceptors() as NestInterceptor[];
    const plain = interceptors.filter((interceptor) => !isHotInterceptor(interceptor));
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      const controller = wrapper.metatype as Type | undefined;
      if (!instance || !controller) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const routeConfig = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as { hotRoute?: boolean } | undefined;
        if (routeConfig?.hotRoute !== true) continue;
        const where = `${controller.name}.${name}`;
        if (plain.length > 0) throw new Error(`${where} is a hot route, but these global interceptors have no before step: ${plain.map((i) => i.constructor.name).join(', ')}`);
        for (const kind of [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA]) {
          if (Reflect.getMetadata(kind, handler) || Reflect.getMetadata(kind, controller)) throw new Error(`${where} is a hot route and cannot have ${kind} of its own`);
        }
        const url = joinPath(Reflect.getMetadata(PATH_METADATA, controller) as string, Reflect.getMetadata(PATH_METADATA, handler) as string);
        this.routes.set(routeKey(RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod], url), {
          controller,
          instance,
          handler,
          status: (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? 201,
          params: this.resolvers(controller, name),
        });
      }
    }
    this.interceptors = interceptors as HotInterceptor[];
    if (this.routes.size > 0) this.logger.debug(`hot routes: ${[...this.routes.keys()].join(', ')}`);
    const posts = [...this.routes.keys()].filter((key) => key.startsWith('POST ') && !/[:*]/.test(key)).map((key) => key.slice('POST '.length));
    if (this.parseJson && posts.length > 0) {
      this.below = new HotRequests({
        paths: new Map(posts.map((path) => [path, path])),
        statusOf: (path) => (this.routes.get(routeKey('POST', path)) as HotRoute).status,
        run: (path, request) => this.run(this.routes.get(routeKey('POST', path)) as HotRoute, request, undefined),
        edge: this.edge,
        parseJson: this.parseJson,
        bodyLimit: this.appConfig.bodyLimitBytes,
        trustProxy: this.appConfig.trustProxy,
        draining: () => this.lifecycle.draining,
        onHookError: (error) => this.logger.error({ err: error }, 'response hook failed'),
      });
    }
  }

  private serve(key: string, request: FastifyRequest, reply: FastifyReply): void {
    const route = this.routes.get(key);
    if (!route) return sendError(new Error(`hot route ${key} is not registered`), request, reply);
    let result: unknown;
    try {
      result = this.run(route, request, reply);
    } catch (error) {
      return sendError(error, request, reply);
    }
    Promise.resolve(result).then(
      (resolved) => void reply.code(route.status).send(resolved),
      (error: unknown) => sendError(error, request, reply),
    );
  }

  /** The paths of the POST routes HotRequests serves below Fastify (empty before the application initialises). */
  pathsBelowFastify(): string[] {
    return this.below ? this.below.paths() : [];
  }

  /**
   * Guards, interceptors' `before`, parameter resolvers and the handler, in Nest's order: the handler's result, or
   * a promise of it as soon as one step is asynchronous (a hot path whose steps all answer from memory costs no
   * promise). Throws or rejects with the first refusal.
   */
  private run(route: HotRoute, request: AnyRequest, reply: FastifyReply | undefined): unknown {
    const context = new ExecutionContextHost([request, reply, undefined], route.controller, route.handler);
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

  /** One resolver per handler parameter: `@Body(...pipes)` and custom parameter decorators, as Nest resolves them. */
  private resolvers(controller: Type, name: string): Resolve[] {
    const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, ArgMetadata>;
    const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, name) ?? []) as Type[];
    const globalPipes = this.config.getGlobalPipes();
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
