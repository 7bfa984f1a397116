import type { EntityUid } from './cedar-types';

/** Longest entity id the API takes, in characters. */
export const MAX_ENTITY_ID = 1000;
/** A Cedar entity type name, optionally namespaced: `User`, `Acme::Host`. Nothing else can reach policy text. */
export const ENTITY_TYPE = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$/;
const UID = /^([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)::"((?:[^"\\]|\\.)*)"$/s;
/** Entity literals inside Cedar text (conditions), for the entities a rule can reach. */
const UID_IN_TEXT = /([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)::"((?:[^"\\]|\\.)*)"/gs;

export const isEntityType = (value: string): boolean => value.length <= 200 && ENTITY_TYPE.test(value);

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** A Cedar string literal holding exactly `value`: quotes, backslashes and control characters are escaped. */
export function cedarString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (SIMPLE_ESCAPES[char] !== undefined) out += SIMPLE_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

/** Reverses cedarString; null when the text holds an escape Cedar does not know. */
export function unescapeCedarString(body: string): string | null {
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[i + 1];
    i += 1;
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', '"': '"', "'": "'" };
    if (next !== undefined && simple[next] !== undefined) {
      out += simple[next];
      continue;
    }
    const unicode = next === 'u' ? /^\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1)) : null;
    if (!unicode) return null;
    const code = parseInt(unicode[1], 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
    out += String.fromCodePoint(code);
    i += unicode[0].length;
  }
  return out;
}

/** `Type::"id"`: the Cedar form of a uid, also used as its key in maps. */
export function formatUid(uid: EntityUid): string {
  if (!isEntityType(uid.type)) throw new Error(`not a Cedar entity type: ${uid.type}`);
  return `${uid.type}::${cedarString(uid.id)}`;
}

/** Parses `Type::"id"` (the form `*_entity_id` of `is_in` and namespaced action ids are written in). */
export function parseUid(text: string): EntityUid | null {
  const match = UID.exec(text.trim());
  if (!match) return null;
  const id = unescapeCedarString(match[2]);
  return id === null ? null : { type: match[1], id };
}

/** `action_ids` entries: a bare id means type `Action`; a full uid (`Acme::Action::"ssh"`) is taken as written. */
export function parseActionId(value: string): EntityUid {
  return parseUid(value) ?? { type: 'Action', id: value };
}

export function formatActionId(uid: EntityUid): string {
  return uid.type === 'Action' && parseUid(uid.id) === null ? uid.id : formatUid(uid);
}

/** Every entity literal written in a text (a superset is fine: the result only widens an entity slice). */
export function uidsInText(text: string): EntityUid[] {
  const found: EntityUid[] = [];
  for (const match of text.matchAll(UID_IN_TEXT)) {
    const id = unescapeCedarString(match[2]);
    if (id !== null) found.push({ type: match[1], id });
  }
  return found;
}
