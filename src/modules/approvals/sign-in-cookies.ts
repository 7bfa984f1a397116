import { jwtVerify, SignJWT } from 'jose';

/** The signed-in approver's session: `HttpOnly; Secure; SameSite=Lax`, on approval pages only, 15 minutes. */
export const SESSION_COOKIE = 'jit_approver';
/** The login in flight (state, nonce, PKCE verifier, link), 10 minutes. */
export const LOGIN_COOKIE = 'jit_login';
export const SESSION_SECONDS = 900;
export const LOGIN_SECONDS = 600;
const PATH = '/approvals';

/** Reads one cookie from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export const setCookie = (name: string, value: string, maxAgeSeconds: number): string =>
  `${name}=${value}; Path=${PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;

export const clearCookie = (name: string): string => `${name}=; Path=${PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;

/** Seals `claims` for `purpose` (HS256 with the process's session secret); cookies of one purpose never pass as another. */
export function seal(secret: Uint8Array, purpose: string, claims: Record<string, unknown>, seconds: number): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setAudience(purpose).setIssuedAt().setExpirationTime(`${seconds}s`).sign(secret);
}

/** The claims of a sealed value, or null when it is missing, forged, expired or for another purpose. */
export async function unseal<T>(secret: Uint8Array, purpose: string, value: string | undefined): Promise<T | null> {
  if (!value) return null;
  try {
    return (await jwtVerify(value, secret, { audience: purpose, algorithms: ['HS256'] })).payload as T;
  } catch {
    return null;
  }
}
