import { issuerUrlProblem, normalizeIssuer } from './issuer-url';

describe('issuer URLs', () => {
  it('takes https, and loopback http only when insecure issuers are allowed', () => {
    expect(issuerUrlProblem('https://idp.example.com/realms/x', false)).toBeNull();
    expect(issuerUrlProblem('http://127.0.0.1:8080', false)).toBe('must use https');
    expect(issuerUrlProblem('http://127.0.0.1:8080', true)).toBeNull();
    expect(issuerUrlProblem('http://localhost:8080', true)).toBeNull();
    expect(issuerUrlProblem('http://[::1]:8080', true)).toBeNull();
    expect(issuerUrlProblem('http://idp.example.com', true)).toBe('must use https (http only on loopback addresses)');
    expect(issuerUrlProblem('http://127.0.0.1.nip.io', true)).not.toBeNull();
  });

  it('refuses credentials, queries, fragments and non-URLs', () => {
    expect(issuerUrlProblem('https://u:p@idp.example.com', false)).toBe('must not carry credentials');
    expect(issuerUrlProblem('https://idp.example.com/?a=1', false)).toBe('must not have a query or fragment');
    expect(issuerUrlProblem('idp.example.com', false)).toBe('must be an absolute URL');
  });

  it('compares issuers without trailing slashes', () => {
    expect(normalizeIssuer('https://idp.example.com/')).toBe('https://idp.example.com');
  });
});
