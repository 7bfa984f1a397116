import { normalizeIpAddress, parseIpRange } from './ip-ranges';

describe('parseIpRange', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.1.2.3', '10.1.2.3/32'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:a01:203', '10.1.2.3/32'],
    ['2400:cb00:21:10a::/64', '2400:cb00:21:10a:0:0:0:0/64'],
    ['::1', '0:0:0:0:0:0:0:1/128'],
  ])('%s is %s', (input, cidr) => expect(parseIpRange(input)).toEqual({ cidr }));

  it.each(['10.0.0.300/8', '10.0.0.0/33', '10.0.0.0/8/1', 'fe80::1%eth0', '::ffff:10.0.0.0/90', '2400::/129', 'example.com', '10.0.0.0/-1', '" || true'])('refuses %s', (input) =>
    expect(parseIpRange(input)).toBeNull(),
  );
});

describe('normalizeIpAddress', () => {
  it('turns IPv4-mapped IPv6 addresses into IPv4 and leaves the rest', () => {
    expect(normalizeIpAddress('::ffff:10.9.9.9')).toBe('10.9.9.9');
    expect(normalizeIpAddress('::FFFF:a09:909')).toBe('10.9.9.9');
    expect(normalizeIpAddress('2400:cb00::1')).toBe('2400:cb00::1');
    expect(normalizeIpAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIpAddress('nonsense:')).toBe('nonsense:');
  });
});
