import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorBody, ErrorCode } from './domain-error';
import { isUnavailableError } from './unavailable';
import { cloudflareErrorBody, isCloudflareRoute } from '@/common/http/cloudflare-route';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Framework messages that would echo the request (its path, its content type) are replaced by fixed ones. */
const FIXED_MESSAGES: Partial<Record<number, string>> = {
  414: 'The URL is too long',
  415: 'This route takes application/json bodies',
  431: 'Request headers are too large',
};

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** Maps anything thrown to `{code, message, details?, notices?}`; internals never reach the body. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof DomainError) return { status: error.status, body: error.toBody(), headers: error.headers() };
  const status = statusOf(error);
  if (status !== undefined && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'invalid_input';
    return { status: code === 'not_found' ? 404 : status, body: { code, message: clientMessage(error, status, code) } };
  }
  if (status === 503 || isUnavailableError(error)) {
    return { status: 503, body: { code: 'unavailable', message: 'A dependency is not answering; retry later' }, headers: { 'retry-after': '1' } };
  }
  return { status: 500, body: { code: 'internal', message: 'Internal error' } };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const candidate = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate < 600 ? candidate : undefined;
}

function clientMessage(error: unknown, status: number, code: ErrorCode): string {
  const fixed = FIXED_MESSAGES[status];
  if (fixed) return fixed;
  switch (code) {
    case 'not_found':
      return 'Route not found';
    case 'payload_too_large':
      return 'Request body is too large';
    default: {
      const message = error instanceof Error ? error.message : '';
      if ((error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(message)) {
        return 'Request body is not valid JSON';
      }
      return message.length > 0 && message.length < 300 ? message : 'Bad request';
    }
  }
}

const logger = new Logger('ErrorFilter');

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * What `error` is answered with on the route at `request.url`: the error shape, or Cloudflare's envelope on its
 * routes. Only the unexpected (500) is logged, with its trace.
 */
export function errorAnswer(error: unknown, request: { url: string; id: string }): ErrorAnswer {
  const { status, body, headers } = toErrorResponse(error);
  // 503s are expected during an outage and already show in the request line; only the unexpected gets a trace.
  if (status === 500) logger.error({ err: error, request_id: request.id }, 'request failed');
  const cloudflare = isCloudflareRoute(request);
  // Cloudflare's SDK retries a 409 unless told not to: a conflict stays a conflict.
  const extra: Record<string, string> = cloudflare && status === 409 ? { 'x-should-retry': 'false' } : {};
  return { status, headers: { ...headers, ...extra, 'content-type': 'application/json; charset=utf-8' }, body: cloudflare ? cloudflareErrorBody(body) : body };
}

/** Answers `error` through Fastify (see errorAnswer). */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, headers, body } = errorAnswer(error, request);
  void reply.status(status).headers(headers).send(body);
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
