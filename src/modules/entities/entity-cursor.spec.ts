import { decodeEntityCursor, encodeEntityCursor } from './entity-cursor';

describe('entity cursor', () => {
  it('round-trips any type and id', () => {
    const cursor = { type: 'Acme::User', id: 'a|b"c\\d' };
    expect(decodeEntityCursor(encodeEntityCursor(cursor))).toEqual(cursor);
    expect(decodeEntityCursor(undefined)).toBeUndefined();
  });

  it('rejects garbage', () => {
    expect(() => decodeEntityCursor('bm9wZQ')).toThrow('Invalid cursor');
    expect(() => decodeEntityCursor(Buffer.from('[1,2]').toString('base64url'))).toThrow('Invalid cursor');
  });
});
