import { invalidInput } from '@/common/errors/domain-error';

/** Keyset position in the (type, id) order entities are listed in. */
export interface EntityCursor {
  type: string;
  id: string;
}

export function encodeEntityCursor(cursor: EntityCursor): string {
  return Buffer.from(JSON.stringify([cursor.type, cursor.id])).toString('base64url');
}

export function decodeEntityCursor(raw: string | undefined): EntityCursor | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return { type: value[0] as string, id: value[1] as string };
    }
  } catch {
    // falls through to the error below
  }
  throw invalidInput('Invalid cursor', { field: 'cursor' });
}
