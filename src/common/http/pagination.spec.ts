import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('pagination', () => {
  it('round-trips a cursor', () => {
    const cursor = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: 'b5e0c3a6-1111-4f1f-9a60-000000000001' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('rejects garbage cursors', () => {
    expect(() => decodeCursor('bm9wZQ')).toThrow('Invalid cursor');
  });

  it('cuts the extra row and points at the last shown', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `id${n}`, createdAt: new Date(n * 1000) }));
    const page = toPage(rows, 2, (r) => r.id);
    expect(page.data).toEqual(['id1', 'id2']);
    expect(decodeCursor(page.next_cursor ?? undefined)?.id).toBe('id2');
    expect(toPage(rows, 3, (r) => r.id).next_cursor).toBeNull();
  });
});
