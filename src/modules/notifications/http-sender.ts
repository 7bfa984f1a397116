import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isPrivateAddress, literalAddress, PrivateAddressError, publicOnlyLookup } from './outbound-address';
import { webhookHeaders } from './webhook-signature';

export class HttpSendError extends Error {
  constructor(
    message: string,
    /** The HTTP status when the receiver answered; undefined when it could not be reached in time. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Off by default: a channel URL must not reach into the deployment's own network (SSRF). */
  allowPrivateAddresses?: boolean;
}

function describe(error: unknown, host: string, timeoutMs: number): HttpSendError {
  if (error instanceof PrivateAddressError) return new HttpSendError(`POST to ${host} refused: ${error.message}`);
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'AbortError') return new HttpSendError(`POST to ${host} timed out after ${timeoutMs} ms`);
  return new HttpSendError(`POST to ${host} failed: ${code ?? message ?? String(error)}`);
}

/**
 * POSTs JSON and resolves only on a 2xx answer. A string body is sent byte for byte (what was signed is what
 * arrives); anything else is JSON-encoded. Redirects are not followed: a receiver must answer where it was
 * configured. Error messages name only the host, since a Slack webhook URL is itself a secret.
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<void> {
  const target = new URL(url);
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const literal = literalAddress(target.hostname);
  if (!options.allowPrivateAddresses && literal && isPrivateAddress(literal)) {
    throw new HttpSendError(`POST to ${target.host} refused: ${literal} is a private address`);
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'jit-access', 'content-length': Buffer.byteLength(payload), ...options.headers },
        lookup: options.allowPrivateAddresses ? undefined : publicOnlyLookup,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // Only the status matters: the rest of the answer is drained and dropped.
        response.on('error', () => undefined);
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(payload);
  }).catch((error: unknown) => {
    throw describe(error, target.host, options.timeoutMs);
  });
  if (status < 200 || status > 299) throw new HttpSendError(`POST to ${target.host} answered ${status}`, status);
}

/** A webhook delivery: `body` is sent exactly as signed, with X-Timestamp and both signatures. */
export function postSignedWebhook(url: string, secret: string, body: string, options: Omit<PostOptions, 'headers'>): Promise<void> {
  return postJson(url, body, { ...options, headers: webhookHeaders(secret, body, Math.floor(Date.now() / 1000)) });
}
