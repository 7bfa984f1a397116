import { isIP } from 'node:net';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const isLoopback = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || (isIP(hostname) === 4 && hostname.startsWith('127.'));

/**
 * Why `raw` cannot be an issuer or key URL, or null when it can: `https` only, except loopback `http` when
 * `allowInsecure` (IDENTITY_ALLOW_INSECURE_ISSUERS); no credentials, query or fragment (PRODUCT.md section 16).
 */
export function issuerUrlProblem(raw: string, allowInsecure: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowInsecure && isLoopback(url.hostname)) return null;
  return allowInsecure ? 'must use https (http only on loopback addresses)' : 'must use https';
}

/** The issuer as compared with a token's `iss`: without trailing slashes. */
export const normalizeIssuer = (raw: string): string => raw.replace(/\/+$/, '');
