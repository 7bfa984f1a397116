import { canonicalItemIp, checkItemDeletion, checkItemsBody, MAX_IP_LIST_ITEMS } from './ip-list-bodies';

describe('canonicalItemIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['10.0.0.1/32', '10.0.0.1'],
    [' 10.20.0.0/16 ', '10.20.0.0/16'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2400:cb00::/32', '2400:cb00::/32'],
    ['2001:db8:0:1:0:0:0:0/64', '2001:db8:0:1::/64'],
  ])('%s is %s', (text, ip) => expect(canonicalItemIp(text)).toEqual({ ip }));

  it.each([
    ['1.2.3.4/33', 'must be'],
    ['10.0.0.300', 'must be'],
    ['10.1.2.3/8', 'host bits'],
    ['::ffff:10.0.0.1/104', 'host bits'],
    ['2001:db8::1/64', 'host bits'],
    ['0.0.0.0/0', 'too wide'],
    ['::/0', 'too wide'],
    ['::ffff:0.0.0.0/96', 'too wide'],
    ['"||true||"', 'must be'],
    ['fe80::1%eth0', 'must be'],
    ['10.0.0.1/8/8', 'must be'],
    ['', 'must be'],
  ])('%s is refused (%s)', (text, error) => expect(canonicalItemIp(text)).toEqual({ error: expect.stringContaining(error) }));
});

describe('checkItemsBody', () => {
  it('keeps one item per canonical address, the last comment winning', () => {
    expect(checkItemsBody([{ ip: '10.0.0.1', comment: 'a' }, { ip: '::ffff:10.0.0.1', comment: 'b' }, { ip: '10.0.0.1/32' }])).toEqual([{ ip: '10.0.0.1', comment: null }]);
  });

  it('refuses bad items at their pointers, and more than the cap', () => {
    expect(() => checkItemsBody([{ ip: '10.0.0.0/8' }, { ip: '1.2.3.4/33' }, { asn: 13335 }])).toThrow(
      expect.objectContaining({ details: { fields: { '/1/ip': [expect.any(String)], '/2/asn': [expect.any(String)], '/2/ip': [expect.any(String)] } } }),
    );
    expect(() => checkItemsBody(Array.from({ length: MAX_IP_LIST_ITEMS + 1 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}` })))).toThrow(/At most/);
    expect(() => checkItemsBody({ ip: '10.0.0.1' })).toThrow(/array/);
  });
});

describe('checkItemDeletion', () => {
  it('takes {items: [{id}]} and refuses anything else', () => {
    expect(checkItemDeletion({ items: [{ id: '3F0C2A5E-0000-4000-8000-000000000001' }] })).toEqual(['3f0c2a5e-0000-4000-8000-000000000001']);
    expect(() => checkItemDeletion(undefined)).toThrow(expect.objectContaining({ details: { fields: { '/items': [expect.any(String)] } } }));
    expect(() => checkItemDeletion({ items: [{ id: 'x' }] })).toThrow(expect.objectContaining({ details: { fields: { '/items/0/id': [expect.any(String)] } } }));
  });
});
