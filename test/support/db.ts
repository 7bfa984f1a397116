import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const PG_SERVER = process.env.TEST_PG_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';
export const TEMPLATE_PREFIX = 'jit_tpl_';
export const TEST_DB_PREFIX = 'jit_t_';

/**
 * The pid of the test run that made a database, when the name is one this suite gives (`jit_t_<pid>_...`,
 * `jit_tpl_<pid>`), else null: only such databases may be dropped as left-overs. (`LIKE 'jit_t_%'` alone also
 * matches `jit_try` or `jit_test`, since `_` is a wildcard, and dropped other people's databases.)
 */
export function testDatabasePid(name: string): number | null {
  const match = /^jit_(?:t|tpl)_(\d+)(?:_[0-9a-f]+)?$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Set by global-setup.ts for this run. */
const templateDb = (): string => {
  const name = process.env.JIT_TEST_TEMPLATE;
  if (!name) throw new Error('JIT_TEST_TEMPLATE is not set: run the tests through jest (global setup builds it)');
  return name;
};

export const dbUrl = (name: string): string => `${PG_SERVER}/${name}`;

export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: dbUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database per test file, cloned from the migrated template (fast, and files run in parallel). */
export async function createTestDatabase(): Promise<string> {
  const name = `${TEST_DB_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`));
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
