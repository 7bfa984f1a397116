import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, type ContentObject, getSchemaPath } from '@nestjs/swagger';
import { CloudflareErrorEnvelope } from '@/common/errors/cloudflare-error.response';
import { ErrorResponse } from '@/common/errors/error.response';
import { CLOUDFLARE_CODES } from '@/common/http/cloudflare-route';

/** What each documented error status means; the body is always `ErrorResponse`. */
const ERRORS = {
  400: '`invalid_input`: the body, query or path does not validate (`details.fields` says where)',
  401: '`unauthenticated`: no valid API key',
  403: '`forbidden` (role), `tenant_mismatch` or `access_denied` (Cedar denied the request)',
  404: '`not_found`',
  409: '`conflict` or `invalid_state`: the resource does not allow this now',
  413: '`payload_too_large`',
  429: '`rate_limited`: retry after `Retry-After` seconds',
  503: '`unavailable`: a dependency is not answering; retry later',
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/**
 * Error responses with the one error shape, on a controller (every route) or a route. The success response comes
 * from the route's declared return type (a response class) through the swagger plugin, with the `@HttpCode` status.
 */
export const ApiErrors = (...statuses: ErrorStatus[]) =>
  applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERRORS[status], content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } } }),
    ),
  );

/**
 * Error responses of the Cloudflare Access API (`/client/v4`): the same statuses and causes as `ApiErrors`, the
 * body in Cloudflare's error envelope (`CLOUDFLARE_CODES` maps our codes to Cloudflare's integers).
 */
export const ApiCloudflareErrors = (...statuses: ErrorStatus[]) =>
  applyDecorators(
    ApiExtraModels(CloudflareErrorEnvelope),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: `${ERRORS[status]}; in \`errors[].code\`: ${codesOf(ERRORS[status])}`,
        content: { 'application/json': { schema: { $ref: getSchemaPath(CloudflareErrorEnvelope) } } },
      }),
    ),
  );

/** The Cloudflare codes (`1001, 10002`) of the error codes a description names in backticks. */
const codesOf = (description: string): string =>
  [...description.matchAll(/`(\w+)`/g)]
    .flatMap(([, code]) => (code !== undefined && code in CLOUDFLARE_CODES ? [`${CLOUDFLARE_CODES[code as keyof typeof CLOUDFLARE_CODES]}`] : []))
    .join(', ');

/** The content of a text response (HTML, CSV, NDJSON, Prometheus text), for `@ApiResponse({status, content})`. */
export const textContent = (...mediaTypes: string[]): ContentObject =>
  Object.fromEntries(mediaTypes.map((media) => [media, { schema: { type: 'string' } }]));
