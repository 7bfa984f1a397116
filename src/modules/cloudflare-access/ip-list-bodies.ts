import { invalidInput } from '@/common/errors/domain-error';
import { parseIpRange } from '@/common/net/ip-ranges';
import { Checker, isObject, UUID } from './access-bodies';
import type { Issue } from './selector-checks';

/** Most items one IP list holds: every item is inlined into the Cedar of the policies that name the list. */
export const MAX_IP_LIST_ITEMS = 1000;
/** Most IP lists one account holds. */
export const MAX_IP_LISTS = 100;
/** Shortest prefixes an item may have: a wider range is almost surely a mistake (use `everyone` to mean everyone). */
export const MIN_PREFIX = { v4: 8, v6: 12 } as const;

const NAME = /^[A-Za-z0-9_]{1,50}$/;
const PRINTABLE = /^[^\p{Cc}]{0,500}$/u;

export interface IpListInput {
  name: string;
  description: string | null;
}

export interface IpItemInput {
  ip: string;
  comment: string | null;
}

function description(c: Checker): string | null {
  const value = c.body.description;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !PRINTABLE.test(value)) return (c.issues.push({ pointer: '/description', message: 'must be a string of at most 500 characters without control characters' }), null);
  return value;
}

/** A list body of POST (`{name, kind: "ip", description?}`); Cloudflare's other kinds are refused. */
export function checkIpListBody(body: unknown): IpListInput {
  const c = Checker.of(body);
  c.known(['name', 'kind', 'description']);
  const name = c.body.name;
  if (typeof name !== 'string' || !NAME.test(name)) c.issues.push({ pointer: '/name', message: 'must be 1 to 50 letters, digits or underscores' });
  if (c.body.kind !== 'ip') c.issues.push({ pointer: '/kind', message: 'must be "ip" (the only kind of list Access selectors use)' });
  const input = { name: String(name), description: description(c) };
  c.done();
  return input;
}

/** A list body of PUT: only the description changes (as Cloudflare's API); name and kind stay. */
export function checkIpListUpdate(body: unknown): { description: string | null } {
  const c = Checker.of(body);
  c.known(['description']);
  const input = { description: description(c) };
  c.done();
  return input;
}

const compressV6 = (address: string): string => {
  const words = address.split(':');
  let best = { at: -1, length: 1 };
  for (let i = 0; i < words.length; i += 1) {
    let j = i;
    while (j < words.length && words[j] === '0') j += 1;
    if (j - i > best.length) best = { at: i, length: j - i };
  }
  if (best.at < 0) return address;
  return `${words.slice(0, best.at).join(':')}::${words.slice(best.at + best.length).join(':')}`;
};

/**
 * One item's `ip` checked and made canonical: an IPv4 or IPv6 address or CIDR; an IPv4-mapped IPv6 form becomes
 * IPv4; a range with host bits set (`10.1.2.3/8`) is refused rather than widened; prefixes shorter than /8 (IPv4)
 * or /12 (IPv6) are refused. A single address is written without its prefix (`10.0.0.1`, `2001:db8::1`).
 */
export function canonicalItemIp(text: string): { ip: string } | { error: string } {
  const range = parseIpRange(text);
  if (!range) return { error: 'must be an IPv4 or IPv6 address or CIDR range' };
  const [base, prefixText] = range.cidr.split('/');
  const prefix = Number(prefixText);
  const v6 = base.includes(':');
  const address = parseIpRange(text.trim().split('/')[0]);
  if (address && address.cidr.split('/')[0] !== base) return { error: `has host bits set beyond /${prefix}: write ${v6 ? compressV6(base) : base}/${prefix} or the single address` };
  if (prefix < (v6 ? MIN_PREFIX.v6 : MIN_PREFIX.v4)) return { error: `prefix /${prefix} is too wide: at least /${v6 ? MIN_PREFIX.v6 : MIN_PREFIX.v4} for IPv${v6 ? 6 : 4}` };
  const shown = v6 ? compressV6(base) : base;
  return { ip: prefix === (v6 ? 128 : 32) ? shown : `${shown}/${prefix}` };
}

const throwAll = (issues: Issue[]): void => {
  if (issues.length === 0) return;
  const fields: Record<string, string[]> = {};
  for (const issue of issues) (fields[issue.pointer] ??= []).push(issue.message);
  throw invalidInput(`Invalid ${Object.keys(fields).slice(0, 5).join(', ')}${Object.keys(fields).length > 5 ? ', ...' : ''}`, { fields });
};

/**
 * The body of POST and PUT `.../items`: `[{ip, comment?}]`, at most MAX_IP_LIST_ITEMS. Items are canonical and
 * unique by `ip` (a repeat keeps the last comment), so sending the same address twice is harmless.
 */
export function checkItemsBody(body: unknown): IpItemInput[] {
  if (!Array.isArray(body)) throw invalidInput('The body must be an array of items', { fields: { '/': ['must be an array of {ip, comment?}'] } });
  if (body.length > MAX_IP_LIST_ITEMS) throw invalidInput(`At most ${MAX_IP_LIST_ITEMS} items per list`, { fields: { '/': [`may hold at most ${MAX_IP_LIST_ITEMS} items`] } });
  const issues: Issue[] = [];
  const byIp = new Map<string, IpItemInput>();
  body.forEach((item: unknown, index) => {
    const at = `/${index}`;
    if (!isObject(item)) return void issues.push({ pointer: at, message: 'must be an object {ip, comment?}' });
    for (const name of Object.keys(item)) if (name !== 'ip' && name !== 'comment') issues.push({ pointer: `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'unknown field (only IP lists exist here)' });
    const comment = item.comment ?? null;
    if (comment !== null && (typeof comment !== 'string' || !PRINTABLE.test(comment))) issues.push({ pointer: `${at}/comment`, message: 'must be a string of at most 500 characters without control characters' });
    if (typeof item.ip !== 'string') return void issues.push({ pointer: `${at}/ip`, message: 'is required: an IPv4 or IPv6 address or CIDR range' });
    const checked = canonicalItemIp(item.ip);
    if ('error' in checked) return void issues.push({ pointer: `${at}/ip`, message: checked.error });
    byIp.delete(checked.ip);
    byIp.set(checked.ip, { ip: checked.ip, comment: typeof comment === 'string' ? comment : null });
  });
  throwAll(issues);
  return [...byIp.values()];
}

/** The body of DELETE `.../items`: `{items: [{id}]}` (at least one). */
export function checkItemDeletion(body: unknown): string[] {
  const c = Checker.of(body ?? {});
  c.known(['items']);
  const items = c.body.items;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_IP_LIST_ITEMS) {
    c.issues.push({ pointer: '/items', message: `must be an array of 1 to ${MAX_IP_LIST_ITEMS} {id}` });
    c.done();
  }
  const ids = (items as unknown[]).map((item, index) => {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== 'string' || !UUID.test(id)) c.issues.push({ pointer: `/items/${index}/id`, message: 'must be the id of an item of the list' });
    return String(id).toLowerCase();
  });
  c.done();
  return [...new Set(ids)];
}
