import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorBody, ErrorCode } from './domain-error';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'invalid_input',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Maps anything thrown to `{code, message, details?, notices?}`; internals never reach the body. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) return { status: error.status, body: error.toBody() };
  const status = statusOf(error);
  if (status !== undefined && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'invalid_input';
    return { status: code === 'not_found' ? 404 : status, body: { code, message: clientMessage(error, code) } };
  }
  if (status === 503) return { status, body: { code: 'unavailable', message: 'Service unavailable' } };
  return { status: 500, body: { code: 'internal', message: 'Internal error' } };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const candidate = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate < 600 ? candidate : undefined;
}

function clientMessage(error: unknown, code: ErrorCode): string {
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

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = toErrorResponse(error);
    const http = host.switchToHttp();
    if (status >= 500) this.logger.error({ err: error, request_id: http.getRequest<FastifyRequest>().id }, 'request failed');
    const reply = http.getResponse<FastifyReply>();
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
