export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'tenant_mismatch'
  | 'access_denied'
  | 'not_found'
  | 'conflict'
  | 'invalid_state'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  tenant_mismatch: 403,
  access_denied: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  notices?: string[];
}

type Messages = Record<string, string[]>;

/**
 * The one documented shape of `details`: `fields: {<json pointer or field name>: [messages]}` plus named extras
 * (`max_duration_seconds`, `prompt`, `grant_id`, `evaluation_errors`, ...). Call sites may name one field
 * (`{field}`), a list (`errors: [{field, message}]`) or Cedar's per-rule messages (`rules: [{field, messages}]`);
 * they become `fields` here, so no client ever sees another shape.
 */
export function normalizeDetails(message: string, details?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  const { field, errors, ...rest } = details;
  const fields: Messages = { ...((rest.fields as Messages | undefined) ?? {}) };
  const add = (name: string, messages: string[]) => (fields[name] = [...(fields[name] ?? []), ...messages]);
  if (Array.isArray(errors)) for (const e of errors as { field: string; message: string }[]) add(e.field, [e.message]);
  if (Array.isArray(rest.rules)) for (const r of rest.rules as { field: string; messages: string[] }[]) add(r.field, r.messages);
  if (typeof field === 'string' && !fields[field]) add(field, [message]);
  return Object.keys(fields).length > 0 ? { ...rest, fields } : rest;
}

/** The only error type that reaches clients with its own message; everything else becomes `internal`. */
export class DomainError extends Error {
  readonly details?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    readonly notices?: string[],
  ) {
    super(message);
    this.details = normalizeDetails(message, details);
  }

  /** Response headers that belong to the error (`Retry-After` on `rate_limited`). */
  headers(): Record<string, string> {
    return {};
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    if (this.notices !== undefined) body.notices = this.notices;
    return body;
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>, notices?: string[]) =>
  new DomainError('invalid_input', message, details, notices);
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', message, details);
export const invalidState = (message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid_state', message, details);

/** `429 rate_limited` with `Retry-After` (whole seconds, at least 1). */
export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number, limit: string) {
    super('rate_limited', 'Too many requests; retry later', { limit, retry_after_seconds: retryAfterSeconds });
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/** `503 unavailable`: a dependency (PostgreSQL, Redis) is not answering; the request may be retried. */
export const unavailable = (message = 'A dependency is not answering; retry later') => new DomainError('unavailable', message);
