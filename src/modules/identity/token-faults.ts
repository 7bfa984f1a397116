import { DomainError } from '@/common/errors/domain-error';

/** Why a token was refused: `details.reason` of its `401 unauthenticated` (PRODUCT.md section 16). */
export type TokenFault = 'expired' | 'not_yet_valid' | 'audience' | 'issuer' | 'signature' | 'algorithm' | 'unknown_key' | 'malformed' | 'claims';

const MESSAGES: Record<TokenFault, string> = {
  expired: 'The token has expired',
  not_yet_valid: 'The token is not valid yet',
  audience: 'The token is not for this audience',
  issuer: 'The token was not issued by an identity provider of this tenant',
  signature: 'The token signature does not verify',
  algorithm: 'The token algorithm is not accepted (none and HMAC algorithms never are)',
  unknown_key: 'The token was signed with a key the identity provider does not publish',
  malformed: 'The token is not a signed JWT',
  claims: 'The token does not name a person (no usable email claim)',
};

export const tokenRejected = (reason: TokenFault): DomainError => new DomainError('unauthenticated', MESSAGES[reason], { reason });

/** The fault a `jose` verification error stands for; null for errors that are not the token's fault. */
export function faultOf(error: unknown): TokenFault | null {
  const { code, claim } = (error ?? {}) as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf' || claim === 'iat') return 'not_yet_valid';
      if (claim === 'aud') return 'audience';
      if (claim === 'iss') return 'issuer';
      return 'claims';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown_key';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'malformed';
    default:
      return null;
  }
}
