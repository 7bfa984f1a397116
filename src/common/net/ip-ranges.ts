import { isIPv4, isIPv6 } from 'node:net';

/** An IP range in canonical text (`10.0.0.0/8`, `2400:cb00:0:0:0:0:0:0/32`). */
export interface IpRange {
  cidr: string;
}

const MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

function v6Words(address: string): number[] | null {
  let text = address.toLowerCase();
  const v4Tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4Tail) {
    const parts = v4Tail[1].split('.').map(Number);
    text = `${text.slice(0, -v4Tail[1].length)}${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((word) => parseInt(word, 16));
}

function maskV4(address: string, prefix: number): string {
  const value = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const block = 2 ** (32 - prefix);
  const base = Math.floor(value / block) * block;
  return [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.');
}

function maskV6(words: number[], prefix: number): string {
  const masked = words.map((word, index) => {
    const bits = Math.max(0, Math.min(16, prefix - index * 16));
    return bits === 0 ? 0 : word & (0xffff << (16 - bits)) & 0xffff;
  });
  return masked.map((word) => word.toString(16)).join(':');
}

/**
 * An `ip` selector value (an address or a CIDR, IPv4 or IPv6) checked and made canonical: host bits cleared, an
 * IPv4-mapped IPv6 address or range (`::ffff:10.0.0.0/104`) turned into its IPv4 form. Null when it is not one.
 */
export function parseIpRange(text: string): IpRange | null {
  if (text.length > 64) return null;
  const [address, prefixText, more] = text.trim().split('/');
  if (more !== undefined || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return null;
  const mapped = mappedV4(address);
  if (mapped !== null) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    if (prefix < 96 || prefix > 128) return null;
    return v4Range(mapped, prefix - 96);
  }
  if (isIPv4(address)) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    return prefix > 32 ? null : v4Range(address, prefix);
  }
  if (!isIPv6(address) || address.includes('%')) return null;
  const prefix = prefixText === undefined ? 128 : Number(prefixText);
  const words = v6Words(address);
  if (prefix > 128 || !words || words.length !== 8) return null;
  return { cidr: `${maskV6(words, prefix)}/${prefix}` };
}

function v4Range(address: string, prefix: number): IpRange {
  return { cidr: `${maskV4(address, prefix)}/${prefix}` };
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, `::ffff:a01:203`) stands for; null otherwise. */
function mappedV4(address: string): string | null {
  const dotted = MAPPED.exec(address);
  if (dotted) return isIPv4(dotted[1]) ? dotted[1] : null;
  if (!isIPv6(address)) return null;
  const words = v6Words(address);
  if (!words || words.length !== 8 || words.slice(0, 5).some((w) => w !== 0) || words[5] !== 0xffff) return null;
  return [words[6] >> 8, words[6] & 255, words[7] >> 8, words[7] & 255].join('.');
}

/**
 * An address as Cedar's `ip()` should see it: an IPv4-mapped IPv6 address becomes its IPv4 form (Cedar refuses
 * the dotted IPv6 form, and a mapped address must match IPv4 ranges); anything else is returned unchanged.
 */
export function normalizeIpAddress(value: string): string {
  return value.includes(':') ? (mappedV4(value.trim()) ?? value) : value;
}
