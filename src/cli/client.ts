import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UsageError } from './args';

/** The service refused (any 4xx/5xx answer): exit code 1, printed as its message and notices. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code?: string; message?: string; details?: Record<string, unknown>; notices?: string[] } | null,
    text: string,
  ) {
    super(body?.message ?? (text.slice(0, 500) || `HTTP ${status}`));
  }
}

/** The service could not be reached: exit code 2. */
export class ConnectionError extends Error {}

export interface ClientConfig {
  url: string;
  tenant?: string;
  apiKey?: string;
  token?: string;
}

/** JIT_URL, JIT_TENANT, JIT_API_KEY or JIT_TOKEN (PRODUCT.md section 17). */
export function clientConfig(env: NodeJS.ProcessEnv): ClientConfig {
  const url = env.JIT_URL?.trim();
  if (!url) throw new UsageError('JIT_URL is not set (the service, for example http://localhost:3000)');
  return { url: url.replace(/\/+$/, ''), tenant: env.JIT_TENANT?.trim() || undefined, apiKey: env.JIT_API_KEY?.trim() || undefined, token: env.JIT_TOKEN?.trim() || undefined };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Tenant routes send X-Tenant-ID (default true); operator routes do not. */
  tenant?: boolean;
}

function jsonOrNull(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** A thin HTTP client for the service's API; every non-2xx answer is a ServiceError. */
export class ApiClient {
  constructor(private readonly config: ClientConfig) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    const body = jsonOrNull(text);
    if (!response.ok) throw new ServiceError(response.status, body as ServiceError['body'], text);
    return { status: response.status, headers: response.headers, body, text };
  }

  /**
   * The answer's body written to `sink` as it arrives, at the pace `sink` takes it (the audit export can be far
   * larger than memory); `sink` is left open. A refusal is read whole, as `request` does, and thrown.
   */
  async stream(method: string, path: string, sink: NodeJS.WritableStream, options: RequestOptions = {}): Promise<void> {
    const response = await this.send(method, path, options);
    if (!response.ok || !response.body) {
      const text = await response.text();
      throw new ServiceError(response.status, jsonOrNull(text) as ServiceError['body'], text);
    }
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), sink, { end: false });
    } catch (error) {
      throw new ConnectionError(`the answer of ${this.config.url} broke off: ${(error as Error).message}`);
    }
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
    if (this.config.apiKey) headers['x-api-key'] = this.config.apiKey;
    else if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    else throw new UsageError('JIT_API_KEY (or JIT_TOKEN) is not set');
    if (options.tenant !== false) {
      if (!this.config.tenant) throw new UsageError('JIT_TENANT is not set (the tenant id)');
      headers['x-tenant-id'] = this.config.tenant;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.config.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(`cannot reach ${this.config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}
