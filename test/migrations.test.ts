import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dbUrl, dropTestDatabase, withAdmin } from './support/db';
import { ensureDatabase, migrate, readMigrations } from '../src/infra/prisma/migrator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { diffSql } = require('../scripts/new-migration.js') as { diffSql: (from: string | null, to: string) => string };

const CATALOG = `
  SELECT 'column' AS kind, table_name || '.' || column_name AS name,
         concat_ws(' ', data_type, udt_name, character_maximum_length, numeric_precision, datetime_precision, is_nullable, column_default) AS def
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
  UNION ALL
  SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
  UNION ALL
  SELECT 'constraint', conrelid::regclass || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'
  ORDER BY 1, 2`;

async function catalog(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ kind: string; name: string; def: string }>(CATALOG);
    return rows.map((row) => `${row.kind} ${row.name}: ${row.def}`);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('build exactly the database schema.prisma describes', async () => {
    const migrated = await createTestDatabase();
    const fromSchema = `jit_t_${process.pid}_schema`;
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${fromSchema}"`).then(() => client.query(`CREATE DATABASE "${fromSchema}"`)));
    try {
      const sql = diffSql(null, readFileSync(join(__dirname, '..', 'prisma', 'schema.prisma'), 'utf8'));
      const client = new Client({ connectionString: dbUrl(fromSchema) });
      await client.connect();
      await client.query(sql);
      await client.end();
      expect(await catalog(dbUrl(migrated))).toEqual(await catalog(dbUrl(fromSchema)));
    } finally {
      await dropTestDatabase(migrated);
      await dropTestDatabase(fromSchema);
    }
  });

  it('create a missing database once when several processes start on it at the same moment', async () => {
    const name = `jit_t_${process.pid}_race`;
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}"`));
    try {
      for (let round = 0; round < 5; round += 1) {
        await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}"`));
        const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => ensureDatabase(dbUrl(name)).then(() => migrate(dbUrl(name)))));
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      }
      expect(await migrate(dbUrl(name))).toEqual([]);
    } finally {
      await dropTestDatabase(name);
    }
  });

  it('are applied once, recorded like prisma migrate deploy does, and refused when edited later', async () => {
    const name = await createTestDatabase();
    try {
      expect(await migrate(dbUrl(name))).toEqual([]);
      const client = new Client({ connectionString: dbUrl(name) });
      await client.connect();
      const { rows } = await client.query('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name');
      await client.end();
      const files = readMigrations();
      expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((m) => [m.name, m.checksum]));
      const edited = files.map((m, i) => (i === 0 ? { ...m, checksum: 'x'.repeat(64) } : m));
      await expect(migrate(dbUrl(name), edited)).rejects.toThrow('was changed after it was applied');
    } finally {
      await dropTestDatabase(name);
    }
  });

  it('keep audit events append-only in the database itself', async () => {
    const name = await createTestDatabase();
    const client = new Client({ connectionString: dbUrl(name) });
    await client.connect();
    try {
      await client.query(`INSERT INTO audit_events (id, tenant_id, seq, occurred_at, actor_type, action, target_type, target_id, data, prev_hash, hash)
        VALUES (gen_random_uuid(), gen_random_uuid(), 1, now(), 'system', 'x', 'y', 'z', '{}', '', '')`);
      await expect(client.query(`UPDATE audit_events SET action = 'changed'`)).rejects.toThrow('append-only');
      await expect(client.query(`DELETE FROM audit_events`)).rejects.toThrow('append-only');
      await expect(client.query(`TRUNCATE audit_events`)).rejects.toThrow('append-only');
    } finally {
      await client.end();
      await dropTestDatabase(name);
    }
  });
});
