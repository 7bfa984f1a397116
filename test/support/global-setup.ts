import { ensureDatabase, migrate } from '../../src/infra/prisma/migrator';
import { dbUrl, TEMPLATE_DB, TEST_DB_PREFIX, withAdmin } from './db';

/** Once per run: drop leftovers of earlier runs, build the migrated template every test database is cloned from. */
export default async function globalSetup(): Promise<void> {
  await withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`${TEST_DB_PREFIX}%`, TEMPLATE_DB],
    );
    for (const row of rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  });
  await ensureDatabase(dbUrl(TEMPLATE_DB));
  await migrate(dbUrl(TEMPLATE_DB));
}
