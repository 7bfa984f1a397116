import { testDatabasePid } from './support/db';

describe('left-over test databases', () => {
  it('recognises only the names this suite gives, so a run never drops anyone else\'s database', () => {
    expect(testDatabasePid('jit_t_12345_0a1b2c3d')).toBe(12345);
    expect(testDatabasePid('jit_tpl_777')).toBe(777);
    // `LIKE 'jit_t_%'` matches these too (`_` is a wildcard); they were dropped as left-overs.
    for (const name of ['jit_try', 'jit_test', 'jit_tenant_1', 'jit_t_x', 'jit_tplx_1', 'jit_access', 'jit_t_12_zz']) {
      expect(testDatabasePid(name)).toBeNull();
    }
  });
});
