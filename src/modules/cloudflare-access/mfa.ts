/**
 * RFC 8176 `amr` values that show each of Cloudflare's MFA authenticators (`mfa_config.allowed_authenticators`).
 * A generic `mfa` names no authenticator, so it counts only when every authenticator is allowed.
 */
export const AUTHENTICATOR_AMR: Record<string, string[]> = {
  totp: ['otp'],
  biometrics: ['fpt', 'face', 'iris', 'retina', 'vbm'],
  security_key: ['hwk', 'sc'],
};

/**
 * The `amr` values of which a person's sign-in must show one for an `allow` policy with this `mfa_config`
 * (PRODUCT.md section 15); null when the policy asks for no MFA (no mfa_config, or `mfa_disabled: true`).
 * Without `allowed_authenticators` (or with an empty list) every authenticator is allowed.
 */
export function requiredAmr(mfaConfig: unknown): string[] | null {
  if (typeof mfaConfig !== 'object' || mfaConfig === null) return null;
  const config = mfaConfig as { mfa_disabled?: unknown; allowed_authenticators?: unknown };
  if (config.mfa_disabled === true) return null;
  const listed = Array.isArray(config.allowed_authenticators) ? config.allowed_authenticators.filter((a): a is string => a in AUTHENTICATOR_AMR) : [];
  const allowed = listed.length === 0 ? Object.keys(AUTHENTICATOR_AMR) : [...new Set(listed)];
  const amr = allowed.flatMap((a) => AUTHENTICATOR_AMR[a]);
  return allowed.length === Object.keys(AUTHENTICATOR_AMR).length ? ['mfa', ...amr] : amr;
}
