import type { Cursor } from '@/common/http/pagination';

/** Where-fragment for keyset pages ordered by (createdAt desc, id desc): rows after the cursor. */
export function afterCursor(after?: Cursor) {
  return after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {};
}
