import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { toErrorResponse } from './error.filter';

describe('toErrorResponse', () => {
  it('keeps domain errors as they are', () => {
    const error = new DomainError('invalid_input', 'bad', { field: 'x' }, ['n']);
    expect(toErrorResponse(error)).toEqual({
      status: 400,
      body: { code: 'invalid_input', message: 'bad', details: { fields: { 'x': expect.any(Array) } }, notices: ['n'] },
    });
  });

  it('maps framework errors by status', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x')).body.code).toBe('not_found');
    expect(toErrorResponse(new PayloadTooLargeException()).status).toBe(413);
    expect(toErrorResponse({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'x' }).body).toEqual({
      code: 'invalid_input',
      message: 'Request body is not valid JSON',
    });
  });

  it('hides internals of unexpected errors', () => {
    const { status, body } = toErrorResponse(new Error('relation "secret_table" does not exist'));
    expect(status).toBe(500);
    expect(body).toEqual({ code: 'internal', message: 'Internal error' });
  });
});
