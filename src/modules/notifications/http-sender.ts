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
}

/**
 * POSTs JSON and resolves only on a 2xx answer. A string body is sent byte for byte (what was signed is what
 * arrives); anything else is JSON-encoded. Redirects are not followed: a receiver must answer where it was
 * configured. Error messages name only the host, since a Slack webhook URL is itself a secret.
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<void> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'jit-access', ...options.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    // The abort reason is a DOMException, which need not be an `instanceof Error` of this realm.
    if ((error as { name?: string } | null)?.name === 'TimeoutError') {
      throw new HttpSendError(`POST to ${host} timed out after ${options.timeoutMs} ms`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new HttpSendError(`POST to ${host} failed: ${cause?.code ?? cause?.message ?? String(error)}`);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new HttpSendError(`POST to ${host} answered ${response.status}`, response.status);
  }
}

/** A webhook delivery: `body` is sent exactly as signed, with X-Timestamp and both signatures. */
export function postSignedWebhook(url: string, secret: string, body: string, timeoutMs: number): Promise<void> {
  return postJson(url, body, { headers: webhookHeaders(secret, body, Math.floor(Date.now() / 1000)), timeoutMs });
}
