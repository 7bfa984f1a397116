import { ensureDatabase, migrate } from '../../src/infra/prisma/migrator';
import { dbUrl, TEMPLATE_PREFIX, TEST_DB_PREFIX, testDatabasePid, withAdmin } from './db';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Once per run: drop databases left by runs that are gone (several runs may share a server), then build this run's
 * migrated template that every test database is cloned from.
 */
export default async function globalSetup(): Promise<void> {
  await withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
      [`${TEST_DB_PREFIX}%`, `${TEMPLATE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      const pid = testDatabasePid(datname);
      if (pid !== null && !alive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
  const template = `${TEMPLATE_PREFIX}${process.pid}`;
  process.env.JIT_TEST_TEMPLATE = template;
  await ensureDatabase(dbUrl(template));
  await migrate(dbUrl(template));
}
