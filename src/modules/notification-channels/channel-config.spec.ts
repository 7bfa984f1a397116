import { DomainError } from '@/common/errors/domain-error';
import { mergeChannelSettings, parseChannelSettings } from './channel-config';
import { publicConfig } from './notification-channel.types';

const SECRET = 's'.repeat(32);

function fieldsOf(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_input');
    return (error as DomainError).details?.fields as Record<string, string[]>;
  }
  throw new Error('expected a validation error');
}

describe('parseChannelSettings', () => {
  it('splits a webhook config into the shown url and the write-only secret', () => {
    const settings = parseChannelSettings('webhook', { url: 'https://hooks.example.com/jit', secret: SECRET });
    expect(settings).toEqual({ type: 'webhook', config: { url: 'https://hooks.example.com/jit' }, secrets: { secret: SECRET } });
    expect(publicConfig(settings)).toEqual({ url: 'https://hooks.example.com/jit', has_secret: true });
  });

  it('keeps the Slack URL secret and normalises email recipients', () => {
    const slack = parseChannelSettings('slack', { url: 'https://hooks.slack.com/services/T/B/x' });
    expect(slack.config).toEqual({});
    expect(publicConfig(slack)).toEqual({ has_url: true });
    const email = parseChannelSettings('email', { to: ['Ops@Example.com', 'ops@example.com'] });
    expect(email).toEqual({ type: 'email', config: { to: ['ops@example.com'] }, secrets: {} });
  });

  it('names every bad field', () => {
    expect(Object.keys(fieldsOf(() => parseChannelSettings('webhook', { url: 'ftp://x', secret: 'short', extra: 1 })))).toEqual([
      'config.extra',
      'config.url',
      'config.secret',
    ]);
    expect(fieldsOf(() => parseChannelSettings('email', { to: ['not-an-email'] }))).toHaveProperty(['config.to']);
    expect(fieldsOf(() => parseChannelSettings('email', { to: [] }))).toHaveProperty(['config.to']);
    expect(fieldsOf(() => parseChannelSettings('slack', { url: 'javascript:alert(1)' }))).toHaveProperty(['config.url']);
    expect(fieldsOf(() => parseChannelSettings('slack', []))).toHaveProperty('config');
  });

  it('refuses credentials in a webhook URL, which is shown back', () => {
    const fields = fieldsOf(() => parseChannelSettings('webhook', { url: 'https://u:p@example.com/', secret: SECRET }));
    expect(fields['config.url'][0]).toContain('credentials');
  });
});

describe('mergeChannelSettings', () => {
  const current = parseChannelSettings('webhook', { url: 'https://a.example.com/', secret: SECRET });

  it('keeps the secret when only the url changes', () => {
    expect(mergeChannelSettings(current, { url: 'https://b.example.com/' })).toEqual({
      type: 'webhook',
      config: { url: 'https://b.example.com/' },
      secrets: { secret: SECRET },
    });
  });

  it('rotates the secret and validates the result', () => {
    expect(mergeChannelSettings(current, { secret: 'n'.repeat(40) }).secrets).toEqual({ secret: 'n'.repeat(40) });
    expect(fieldsOf(() => mergeChannelSettings(current, { secret: null }))).toHaveProperty(['config.secret']);
  });
});
