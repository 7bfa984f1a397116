import Cloudflare from 'cloudflare';
import { baseUrl, TestApp } from './app';
import type { TestTenant } from './factories';

/** Listens on a free loopback port (once per app) and answers the base URL of the Cloudflare Access API. */
export async function cloudflareBaseUrl(t: TestApp): Promise<string> {
  return `${await baseUrl(t.app)}/client/v4`;
}

/** The official SDK, pointed at this service with one of the tenant's keys as its API token. */
export async function cloudflareClient(t: TestApp, tenant: TestTenant, role: keyof TestTenant['keys'] = 'admin', options: { maxRetries?: number } = {}): Promise<Cloudflare> {
  return new Cloudflare({ baseURL: await cloudflareBaseUrl(t), apiToken: tenant.keys[role], maxRetries: options.maxRetries ?? 2 });
}
