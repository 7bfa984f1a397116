import type { EntityUid } from '@/infra/cedar/cedar-types';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `30m`, `2h`, `1d` (or whole seconds, `600`) as seconds. */
export function parseDuration(text: string, option = 'duration'): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) throw new UsageError(`${option} must be a positive duration like 90s, 30m, 2h or 1d (got "${text}")`);
  return Number(match[1]) * UNITS[match[2] || 's'];
}

/**
 * An entity as people type it: `Host::prod-db-1`, `Host::"prod-db-1"`, `Acme::Host::db`. With `defaultType`, a bare
 * id (`ssh`) is of that type (actions).
 */
export function parseUid(text: string, option: string, defaultType?: string): EntityUid {
  const quoted = /^(.+?)::"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (quoted) return { type: quoted[1], id: quoted[2].replace(/\\(.)/g, '$1') };
  const at = text.lastIndexOf('::');
  if (at > 0 && at < text.length - 2) return { type: text.slice(0, at), id: text.slice(at + 2) };
  if (defaultType !== undefined && text !== '' && !text.includes('::')) return { type: defaultType, id: text };
  throw new UsageError(`${option} must be an entity like Type::id (got "${text}")`);
}

/** Context given as a JSON object on the command line. */
export function parseJsonObject(text: string, option: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError(`${option} must be a JSON object`);
}
