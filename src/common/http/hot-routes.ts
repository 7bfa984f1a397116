import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { CanActivate, Inject, Injectable, Logger, NestInterceptor, OnModuleInit, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, PIPES_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { sendError } from '@/common/errors/error.filter';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { Lifecycle } from '@/infra/lifecycle/lifecycle';
import { jsonBodyParser } from './body-parsers';
import { EdgeHooks } from './edge-hooks';
import { HotPath, HotRequests } from './hot-requests';
import { HotInterceptor, HotPipeline, HotRoute, paramResolvers } from './hot-pipeline';

/**
 * Route config (`@RouteConfig(HOT_ROUTE)`) for a route served below Nest's router and, for plain JSON POSTs, below
 * Fastify too (hot-requests.ts): written like any other route (`@Post`, `@Roles`, `@Body(Pipe)`, `@Auth()`), and run
 * by HotRoutes with the same edge hooks, global guards, interceptors (their `before` step), pipes and error shape,
 * without the framework's per-request machinery. No request line.
 */
export const HOT_ROUTE = { requestLog: false, hotRoute: true } as const;

const isHotInterceptor = (interceptor: NestInterceptor): interceptor is HotInterceptor => typeof (interceptor as Partial<HotInterceptor>).before === 'function';
const routeKey = (method: string, url: string) => `${method} /${url.replace(/^\/+/, '')}`;
const joinPath = (base: string, path: string) => [base, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');

/**
 * Serves the routes marked HOT_ROUTE without Nest's router: plain JSON POSTs from the HTTP server's request event,
 * before Fastify (HotRequests), everything else from a Fastify preHandler on their own route, after Fastify's hooks
 * and body parsing. Both run the same HotPipeline (guards, interceptors' `before`, pipes, handler). Start-up refuses
 * a hot route whose handler has guards, interceptors or pipes of its own beyond parameter pipes, or a global
 * interceptor without a `before` step, so that nothing the router would run is skipped.
 */
@Injectable()
export class HotRoutes implements OnModuleInit {
  private readonly logger = new Logger('HotRoutes');
  private readonly routes = new Map<string, HotRoute>();
  private pipeline = new HotPipeline([], []);
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
    const guards = this.config.getGlobalGuards() as CanActivate[];
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
          params: paramResolvers(controller, name, this.config.getGlobalPipes()),
        });
      }
    }
    this.pipeline = new HotPipeline(guards, interceptors as HotInterceptor[]);
    if (this.routes.size > 0) this.logger.debug(`hot routes: ${[...this.routes.keys()].join(', ')}`);
    const posts = [...this.routes.keys()].filter((key) => key.startsWith('POST ') && !/[:*]/.test(key)).map((key) => key.slice('POST '.length));
    if (this.parseJson && posts.length > 0) {
      const pipeline = this.pipeline;
      const served = (path: string): HotPath => {
        const route = this.routes.get(routeKey('POST', path)) as HotRoute;
        return { status: route.status, run: (request) => pipeline.run(route, request, undefined) };
      };
      this.below = new HotRequests({
        paths: new Map(posts.map((path) => [path, served(path)])),
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
      result = this.pipeline.run(route, request, reply);
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
}
