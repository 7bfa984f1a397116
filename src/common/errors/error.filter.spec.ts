import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError, RateLimitedError } from './domain-error';
import { toErrorResponse } from './error.filter';

describe('toErrorResponse', () => {
  it('keeps domain errors as they are', () => {
    const error = new DomainError('invalid_input', 'bad', { field: 'x' }, ['n']);
    expect(toErrorResponse(error)).toEqual({
      status: 400,
      body: { code: 'invalid_input', message: 'bad', details: { fields: { 'x': expect.any(Array) } }, notices: ['n'] },
      headers: {},
    });
  });

  it('gives rate_limited its Retry-After header', () => {
    const { status, body, headers } = toErrorResponse(new RateLimitedError(7, 'ip'));
    expect(status).toBe(429);
    expect(body.code).toBe('rate_limited');
    expect(headers).toEqual({ 'retry-after': '7' });
  });

  it('maps framework errors by status', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x')).body.code).toBe('not_found');
    expect(toErrorResponse(new PayloadTooLargeException()).status).toBe(413);
    expect(toErrorResponse({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'x' }).body).toEqual({
      code: 'invalid_input',
      message: 'Request body is not valid JSON',
    });
    expect(toErrorResponse({ statusCode: 415, message: 'Unsupported Media Type: text/evil' }).body).toEqual({
      code: 'unsupported_media_type',
      message: 'This route takes application/json bodies',
    });
  });

  it('never echoes a long path back', () => {
    const { status, body } = toErrorResponse({ statusCode: 414, code: 'FST_ERR_MAX_PARAM_LENGTH', message: `'/v1/${'a'.repeat(200)}' is too long` });
    expect(status).toBe(414);
    expect(body).toEqual({ code: 'invalid_input', message: 'The URL is too long' });
  });

  it('answers 503 unavailable for an unreachable or timed-out database', () => {
    const unreachable = { code: 'P1001', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } };
    const timedOut = { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57014' } } } };
    const lockWait = { code: 'P2039', meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '55P03' } } } };
    // pg's client-side query_timeout (DB_STATEMENT_TIMEOUT_MS + 5 s): the server stopped answering (paused, partitioned).
    const serverSilent = new Error('Query read timeout');
    for (const error of [unreachable, timedOut, lockWait, new Error('Connection terminated unexpectedly'), serverSilent]) {
      expect(toErrorResponse(error)).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    }
  });

  it('hides internals of unexpected errors', () => {
    const { status, body } = toErrorResponse(new Error('relation "secret_table" does not exist'));
    expect(status).toBe(500);
    expect(body).toEqual({ code: 'internal', message: 'Internal error' });
  });
});
