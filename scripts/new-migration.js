#!/usr/bin/env node
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that turns the schema of the last commit
// as of the last commit that
// added a migration (or nothing) into the working prisma/schema.prisma. Uses Prisma 6.19's WebAssembly schema engine, which needs no
// download (Prisma 7's migrate commands need a native engine this project cannot fetch). Usage: npm run migration:new NAME
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

function withUrl(schema) {
  return schema.replace(/datasource db \{([^}]*)\}/, (_m, body) => `datasource db {${body}  url = env("DATABASE_URL")\n}`);
}

function diffSql(fromSchema, toSchema) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-migration-'));
  const to = path.join(dir, 'to.prisma');
  fs.writeFileSync(to, withUrl(toSchema));
  const args = [require.resolve('prisma-legacy/build/index.js'), 'migrate', 'diff', '--config', path.join(root, 'prisma/legacy.config.ts'), '--to-schema-datamodel', to, '--script'];
  if (fromSchema === null) args.push('--from-empty');
  else {
    const from = path.join(dir, 'from.prisma');
    fs.writeFileSync(from, withUrl(fromSchema));
    args.push('--from-schema-datamodel', from);
  }
  return execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres',
      PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

module.exports = { diffSql };

if (require.main === module) {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run migration:new <snake_case_name>');
    process.exit(2);
  }
  let previous = null;
  try {
    // The schema as of the last commit that added a migration: the state the migrations already build.
    const git = (args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = git(['log', '-1', '--format=%H', '--', 'prisma/migrations']).trim();
    previous = commit ? git(['show', `${commit}:prisma/schema.prisma`]) : null;
  } catch {
    previous = null;
  }
  const current = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
  const sql = diffSql(previous, current);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = path.join(root, 'prisma/migrations', `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
  console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
}
