import { isPrivateAddress, literalAddress } from './outbound-address';

describe('isPrivateAddress', () => {
  it.each(['127.0.0.1', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255'])(
    'refuses IPv4 %s',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['::1', '::', 'fd12::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1'])('refuses IPv6 %s', (address) =>
    expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );

  it('refuses what is not an address at all', () => {
    expect(isPrivateAddress('example.com')).toBe(true);
  });
});

describe('literalAddress', () => {
  it('tells an address from a name, IPv6 brackets removed', () => {
    expect(literalAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(literalAddress('[::1]')).toBe('::1');
    expect(literalAddress('hooks.example.com')).toBeNull();
  });
});
