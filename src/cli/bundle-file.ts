import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from './args';

/**
 * `{"from_env": "VAR"}` anywhere in the bundle becomes the value of VAR, so that channel secrets live in the
 * environment (or a secret manager that fills it), never in the file kept in git.
 */
export function resolveFromEnv(value: unknown, env: NodeJS.ProcessEnv, at = ''): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveFromEnv(item, env, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0] === 'from_env') {
    const name = entries[0][1];
    if (typeof name !== 'string' || name === '') throw new UsageError(`${at}: from_env must name an environment variable`);
    const found = env[name];
    if (found === undefined) throw new UsageError(`${at}: environment variable ${name} is not set`);
    return found;
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveFromEnv(item, env, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)]));
}

/** A bundle file, JSON or YAML (YAML 1.2 is a superset of JSON), with secrets taken from the environment. */
export function readBundle(path: string, env: NodeJS.ProcessEnv): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100, uniqueKeys: true, schema: 'core' });
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON or YAML: ${(error as Error).message}`);
  }
  return resolveFromEnv(value, env);
}
