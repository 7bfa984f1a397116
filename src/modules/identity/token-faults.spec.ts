import { errors } from 'jose';
import { faultOf, tokenRejected } from './token-faults';

describe('token faults', () => {
  it('maps jose errors to the documented reasons', () => {
    const payload = { exp: 1 };
    expect(faultOf(new errors.JWTExpired('x', payload))).toBe('expired');
    expect(faultOf(new errors.JWTClaimValidationFailed('x', payload, 'nbf'))).toBe('not_yet_valid');
    expect(faultOf(new errors.JWTClaimValidationFailed('x', payload, 'aud'))).toBe('audience');
    expect(faultOf(new errors.JWTClaimValidationFailed('x', payload, 'iss'))).toBe('issuer');
    expect(faultOf(new errors.JWSSignatureVerificationFailed())).toBe('signature');
    expect(faultOf(new errors.JOSEAlgNotAllowed('x'))).toBe('algorithm');
    expect(faultOf(new errors.JWKSNoMatchingKey())).toBe('unknown_key');
    expect(faultOf(new errors.JWSInvalid('x'))).toBe('malformed');
    expect(faultOf(new errors.JWKSTimeout())).toBeNull();
    expect(faultOf(new TypeError('fetch failed'))).toBeNull();
  });

  it('answers 401 with the reason in details', () => {
    expect(tokenRejected('expired').toBody()).toMatchObject({ code: 'unauthenticated', details: { reason: 'expired' } });
  });
});
