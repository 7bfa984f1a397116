import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that reach local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/jit_access');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.processRole).toBe('all');
    expect(config.sweepIntervalSeconds).toBe(30);
    expect(config.adminApiKey).toBeNull();
    expect(config.webhookAllowPrivateAddresses).toBe(false);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PROCESS_ROLE: 'boss', ADMIN_API_KEY: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'DATABASE_URL', 'PROCESS_ROLE', 'ADMIN_API_KEY']) expect(message).toContain(name);
  });

  it('derives PUBLIC_BASE_URL from PORT', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
  });
});
