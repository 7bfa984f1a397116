import type { EntityUid } from './cedar-types';

/** Longest entity id the API takes, in characters. */
export const MAX_ENTITY_ID = 1000;
/** A Cedar entity type name, optionally namespaced: `User`, `Acme::Host`. Nothing else can reach policy text. */
export const ENTITY_TYPE = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$/;
const UID = /^([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)::"((?:[^"\\]|\\.)*)"$/s;

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
  const tokens = cedarTokens(text);
  for (let i = 2; i < tokens.length; i += 1) {
    const body = tokens[i];
    if (body.kind !== 'string' || tokens[i - 1].kind !== 'path' || tokens[i - 2].kind !== 'ident') continue;
    // Cedar lets white space and comments sit between the parts of `Acme :: User :: "x"`: walk back over them.
    let start = i - 2;
    while (start >= 2 && tokens[start - 1].kind === 'path' && tokens[start - 2].kind === 'ident') start -= 2;
    const type = tokens.slice(start, i - 1).filter((token) => token.kind === 'ident').map((token) => token.text).join('::');
    const id = unescapeCedarString(body.text);
    if (id !== null) found.push({ type, id });
  }
  return found;
}

/**
 * Cedar (cedar-wasm 4.x) parses and evaluates expressions recursively on a small WebAssembly stack: about 125
 * nested brackets, or a chain of about 400 binary operators (`a && b && ...`, `1 + 1 + ...`, `a.b.c...`,
 * `if ... else if ...`), overflow it, and the module is left corrupt, so every later decision of the process fails.
 * Text that could come near is refused before it reaches Cedar. The score estimates the depth of Cedar's tree: an
 * open bracket counts 2, and each operator 1 while it continues a chain of its precedence level (an operator of a
 * looser level starts a new operand, so the tighter chains before it stop counting).
 */
export const MAX_CEDAR_NESTING = 100;

/** Precedence levels, loosest first; `if` nests without a level of its own (its branches run to the end). */
const LEVELS = ['||', '&&', 'relation', 'sum', 'product', 'member'] as const;
const RELATIONS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'has', 'like', 'is']);

function operatorLevel(tokens: Token[], i: number): { level: number; length: number } | null {
  const text = tokens[i].text;
  const next = tokens[i + 1]?.kind === 'other' ? tokens[i + 1].text : '';
  if (tokens[i].kind === 'ident') return RELATIONS.has(text) ? { level: 2, length: 1 } : null;
  if (tokens[i].kind !== 'other') return null;
  if ((text === '|' || text === '&') && next === text) return { level: text === '|' ? 0 : 1, length: 2 };
  if ('=!<>'.includes(text) && next === '=') return { level: 2, length: 2 };
  if (text === '<' || text === '>') return { level: 2, length: 1 };
  if (text === '+' || text === '-') return { level: 3, length: 1 };
  if (text === '*') return { level: 4, length: 1 };
  if (text === '.') return { level: 5, length: 1 };
  return null;
}

/** The nesting score of a Cedar text (see MAX_CEDAR_NESTING); strings and comments do not count. */
export function cedarNestingScore(text: string): number {
  const tokens = cedarTokens(text);
  const frames = [{ ifs: 0, chains: LEVELS.map(() => 0) }];
  let max = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const { kind, text: value } = tokens[i];
    const frame = frames[frames.length - 1];
    const operator = operatorLevel(tokens, i);
    if (operator) {
      frame.chains[operator.level] += 1;
      for (let tighter = operator.level + 1; tighter < LEVELS.length; tighter += 1) frame.chains[tighter] = 0;
      i += operator.length - 1;
    } else if (kind === 'ident' && value === 'if') frame.ifs += 1;
    else if (kind === 'other' && '([{'.includes(value)) frames.push({ ifs: 0, chains: LEVELS.map(() => 0) });
    else if (kind === 'other' && ')]}'.includes(value) && frames.length > 1) frames.pop();
    else if (kind === 'other' && value === ',') frame.chains.fill(0);
    const score = frames.reduce((sum, f) => sum + f.ifs + f.chains.reduce((a, b) => a + b, 0), 2 * (frames.length - 1));
    max = Math.max(max, score);
  }
  return max;
}

interface Token {
  kind: 'ident' | 'path' | 'string' | 'other';
  /** The identifier, or a string literal's body as written (escapes kept). */
  text: string;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Cedar's tokens as far as entity literals need them; white space and `//` comments are dropped. */
function cedarTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) i += 1;
    else if (text.startsWith('//', i)) i = text.includes('\n', i) ? text.indexOf('\n', i) + 1 : text.length;
    else if (text.startsWith('::', i)) {
      tokens.push({ kind: 'path', text: '::' });
      i += 2;
    } else if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      IDENTIFIER.lastIndex = i;
      const ident = IDENTIFIER.exec(text);
      tokens.push(ident ? { kind: 'ident', text: ident[0] } : { kind: 'other', text: char });
      i += ident ? ident[0].length : 1;
    }
  }
  return tokens;
}
