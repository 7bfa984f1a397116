import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-timestamp';
export const TIMESTAMPED_SIGNATURE_HEADER = 'x-signature-timestamped';

const hmac = (secret: string, ...parts: (string | Uint8Array)[]): string => {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return `sha256=${mac.digest('hex')}`;
};

/** `X-Signature`: HMAC-SHA256 over exactly the body bytes, as the contract says. */
export const signWebhook = (secret: string, body: string | Uint8Array): string => hmac(secret, body);

/**
 * `X-Signature-Timestamped`: HMAC-SHA256 over `<X-Timestamp>.<body>`. X-Signature alone lets anyone who saw one
 * delivery replay it later with any X-Timestamp; this one binds the time, so receivers can refuse old messages.
 */
export const signWebhookTimestamped = (secret: string, timestamp: number, body: string | Uint8Array): string =>
  hmac(secret, `${timestamp}.`, body);

/** Every header of a delivery of `body` (sent as is) at `timestamp` (unix seconds). */
export function webhookHeaders(secret: string, body: string | Uint8Array, timestamp: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signWebhook(secret, body),
    [TIMESTAMPED_SIGNATURE_HEADER]: signWebhookTimestamped(secret, timestamp, body),
  };
}

export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'bad_signature' | 'bad_timestamp' | 'stale_timestamp' | 'bad_timestamped_signature' };

export interface VerifyOptions {
  /** Largest accepted distance between X-Timestamp and now; default 300 s. */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

type Headers = Record<string, string | string[] | number | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return typeof value === 'string' ? value : undefined;
};

const sameSignature = (given: string | undefined, expected: string): boolean =>
  given !== undefined && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/** What a receiver does (and what the tests do): both signatures, then the freshness of the timestamp. */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  headers: Headers,
  options: VerifyOptions = {},
): WebhookVerification {
  if (!sameSignature(header(headers, SIGNATURE_HEADER), signWebhook(secret, body))) {
    return { valid: false, reason: 'bad_signature' };
  }
  const raw = header(headers, TIMESTAMP_HEADER);
  if (raw === undefined || !/^\d{1,12}$/.test(raw)) return { valid: false, reason: 'bad_timestamp' };
  const timestamp = Number(raw);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return { valid: false, reason: 'stale_timestamp' };
  if (!sameSignature(header(headers, TIMESTAMPED_SIGNATURE_HEADER), signWebhookTimestamped(secret, timestamp, body))) {
    return { valid: false, reason: 'bad_timestamped_signature' };
  }
  return { valid: true, timestamp };
}
