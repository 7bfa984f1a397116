import { randomBytes } from 'node:crypto';
import { readCookie, seal, setCookie, unseal } from './sign-in-cookies';

describe('sign-in cookies', () => {
  const secret = randomBytes(32);

  it('reads one cookie and writes HttpOnly, Secure, SameSite=Lax cookies scoped to approval pages', () => {
    expect(readCookie('a=1; jit_approver=xyz; b=2', 'jit_approver')).toBe('xyz');
    expect(readCookie('a=1', 'jit_approver')).toBeUndefined();
    expect(setCookie('jit_approver', 'v', 900)).toBe('jit_approver=v; Path=/approvals; Max-Age=900; HttpOnly; Secure; SameSite=Lax');
  });

  it('unseals only its own purpose, with the right secret', async () => {
    const sealed = await seal(secret, 'session', { email: 'a@b.c' }, 60);
    expect(await unseal(secret, 'session', sealed)).toMatchObject({ email: 'a@b.c' });
    expect(await unseal(secret, 'login', sealed)).toBeNull();
    expect(await unseal(randomBytes(32), 'session', sealed)).toBeNull();
    expect(await unseal(secret, 'session', `${sealed}x`)).toBeNull();
  });
});
