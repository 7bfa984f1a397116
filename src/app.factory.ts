import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@/config/config';
import { registerBodyParsers } from '@/common/http/body-parsers';
import { answerClientError, answerUnservedRequests, badHost } from '@/common/http/client-errors';
import { cloudflareErrorBody, isCloudflareRoute } from '@/common/http/cloudflare-route';
import { refuseUnsafeValues } from '@/common/http/input-guard';
import { toErrorResponse } from '@/common/errors/error.filter';
import { DomainError } from '@/common/errors/domain-error';
import { createValidationPipe } from '@/common/http/validation';
import { HotRoutes } from '@/common/http/hot-routes';
import { EdgeHooks } from '@/common/http/edge-hooks';
import { requestIdOf } from '@/common/http/request-id';
import { createRootLogger, RequestLogController, skipChildLoggers } from '@/infra/logging/logger';
import { PinoNestLogger } from '@/infra/logging/nest-logger';
import { AppModule } from './app.module';

/** Path parameters longer than this are `414`; entity ids may hold 1,000 characters, percent-encoded up to 3x. */
const MAX_PARAM_LENGTH = 4096;

/** Builds the configured application without listening: main.ts listens, tests use `inject`. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLogController(),
    bodyLimit: config.bodyLimitBytes,
    // A request (headers and body) that has not arrived within REQUEST_TIMEOUT_MS is answered 408 and its connection
    // closed (client-errors.ts): Fastify's default, 0, let a body that never ends hold its connection and buffer
    // forever. Node checks every connectionsCheckingInterval, so the answer comes within 1.25 times the timeout.
    requestTimeout: config.requestTimeoutMs,
    // requireHostHeader: a request without Host is refused in the error shape (badHost below), not bare by Node.
    http: {
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.requestTimeoutMs / 4)),
      requireHostHeader: false,
    },
    // Fastify accepts a hop count too; the adapter's type leaves it out.
    trustProxy: config.trustProxy as boolean | string,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerClientError,
    // Bad URL encodings and over-long path parameters, found by the router before any route runs.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = toErrorResponse(error);
      void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(isCloudflareRoute(request) ? cloudflareErrorBody(body) : body);
    },
    // In-flight requests finish during shutdown; new ones on kept-alive connections are still served.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Our own parsers (JSON and, on approval pages only, forms), registered below.
    bodyParser: false,
  });
  app.useLogger(new PinoNestLogger(logger));
  app.useGlobalPipes(createValidationPipe());
  // No enableShutdownHooks(): main.ts traps SIGTERM and SIGINT only, and drains before closing (graceful-shutdown.ts).
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  refuseUnsafeValues(fastify);
  app.get(HotRoutes).install(fastify);
  skipChildLoggers(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    if (badHost(request.raw)) return done(new DomainError('invalid_input', 'Exactly one Host header is required'));
    done();
  });
  answerUnservedRequests(fastify.server);
  app.get(EdgeHooks).install(fastify);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('JIT access')
      .setDescription('Just-in-time access grants decided by Cedar policies')
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Tenant-ID' }, 'tenant')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', raw: ['json'] });
  return app;
}
