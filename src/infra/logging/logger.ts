import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { type DestinationStream, type Logger, pino } from 'pino';

/** Route config (`@RouteConfig(NO_REQUEST_LOG)`) for a route that writes no request line: the access check. */
export const NO_REQUEST_LOG = { requestLog: false } as const;

const APPROVAL_TOKEN = /\/approvals\/[^/?]+/;

/**
 * One pino logger for Fastify's per-request child loggers and Nest's application logs. Request lines come from
 * Fastify itself rather than from a middleware with AsyncLocalStorage: once enabled, AsyncLocalStorage puts
 * promise hooks on every promise in the process, which cost the access check a third of its throughput.
 */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: ['*.password', '*.secret', '*.key', '*.token', '*.headers'], censor: '[redacted]' },
    serializers: {
      err: pino.stdSerializers.err,
      req: (request: FastifyRequest) => ({ method: request.method, url: request.url.replace(APPROVAL_TOKEN, '/approvals/[token]') }),
      res: (reply: FastifyReply) => ({ status: reply.statusCode }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** One line per finished request, with method, URL, status and time, except on routes with NO_REQUEST_LOG. */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override isLogDisabled(request: FastifyRequest): boolean {
    return (request.routeOptions?.config as { requestLog?: boolean } | undefined)?.requestLog === false;
  }

  override incomingRequest(): void {
    // The completion line carries the request too: one line per request.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, response_time_ms: Math.round(reply.elapsedTime * 100) / 100 };
    if (error || reply.statusCode >= 500) reply.log.error({ ...line, err: error ?? undefined }, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}

/** Routes that write no request line skip the per-request child logger too (a pino child per call on the hot path). */
export function skipChildLoggers(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if ((route.config as { requestLog?: boolean } | undefined)?.requestLog === false) route.childLoggerFactory = (logger) => logger;
  });
}
