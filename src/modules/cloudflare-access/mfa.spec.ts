import { requiredAmr } from './mfa';

describe('requiredAmr', () => {
  it('asks for nothing without mfa_config or with mfa_disabled', () => {
    expect(requiredAmr(undefined)).toBeNull();
    expect(requiredAmr({ mfa_disabled: true, allowed_authenticators: ['totp'] })).toBeNull();
  });

  it('takes any MFA, generic mfa included, when every authenticator is allowed', () => {
    expect(requiredAmr({})).toEqual(['mfa', 'otp', 'fpt', 'face', 'iris', 'retina', 'vbm', 'hwk', 'sc']);
    expect(requiredAmr({ mfa_disabled: false, allowed_authenticators: ['totp', 'biometrics', 'security_key'] })).toContain('mfa');
  });

  it('takes only the listed authenticators otherwise (generic mfa names none)', () => {
    expect(requiredAmr({ allowed_authenticators: ['security_key'] })).toEqual(['hwk', 'sc']);
    expect(requiredAmr({ allowed_authenticators: ['totp', 'totp'] })).toEqual(['otp']);
  });
});
