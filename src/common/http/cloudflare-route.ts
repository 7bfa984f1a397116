import type { ErrorBody, ErrorCode } from '@/common/errors/domain-error';

/**
 * Routes of the Cloudflare Access API (PRODUCT.md section 15): they also take `Authorization: Bearer <api key>`
 * and answer in Cloudflare's envelope, errors included.
 */
export const isCloudflareRoute = (request: { url: string }): boolean => request.url.startsWith('/client/v4/');

/** Cloudflare error codes are integers of at least 1000; one per error code of ours. */
export const CLOUDFLARE_CODES: Record<ErrorCode, number> = {
  invalid_input: 1001,
  unauthenticated: 10000,
  forbidden: 10001,
  tenant_mismatch: 10002,
  access_denied: 10003,
  not_found: 1004,
  conflict: 1005,
  invalid_state: 1006,
  payload_too_large: 1007,
  unsupported_media_type: 1008,
  rate_limited: 10429,
  unavailable: 1503,
  internal: 1500,
};

/** `a.b[0]` or `a` as a JSON pointer (`/a/b/0`); pointers pass unchanged. */
const pointerOf = (field: string): string => (field.startsWith('/') ? field : `/${field.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`);

export interface CloudflareErrorBody {
  success: false;
  errors: { code: number; message: string; source?: { pointer: string } }[];
  messages: { code: number; message: string }[];
  result: null;
}

/**
 * The id lists of `details` (`policy_ids`, `group_ids`, `app_ids`: what still uses an object a `409` refuses to
 * delete) as text, since Cloudflare's envelope has no place for details: `(policy_ids: a, b; group_ids: c)`.
 */
function idListsOf(details: Record<string, unknown> | undefined): string {
  const lists = Object.entries(details ?? {}).filter(
    (entry): entry is [string, string[]] => entry[0].endsWith('_ids') && Array.isArray(entry[1]) && entry[1].length > 0 && entry[1].every((id) => typeof id === 'string'),
  );
  return lists.length === 0 ? '' : ` (${lists.map(([key, ids]) => `${key}: ${ids.join(', ')}`).join('; ')})`;
}

/** Our error body in Cloudflare's envelope: one error per offending field (with `source.pointer`), notices as messages. */
export function cloudflareErrorBody(body: ErrorBody): CloudflareErrorBody {
  const code = CLOUDFLARE_CODES[body.code];
  const fields = (body.details?.fields ?? {}) as Record<string, string[]>;
  const errors = Object.entries(fields).map(([field, messages]) => ({ code, message: `${pointerOf(field)}: ${messages.join('; ')}`, source: { pointer: pointerOf(field) } }));
  return {
    success: false,
    errors: errors.length > 0 ? errors : [{ code, message: `${body.message}${idListsOf(body.details)}` }],
    messages: (body.notices ?? []).map((notice) => ({ code, message: notice })),
    result: null,
  };
}
