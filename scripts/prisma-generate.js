#!/usr/bin/env node
// Generates the Prisma client offline. `prisma generate` looks for the schema engine before it starts even though
// it never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing file skips the download (see README).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
execFileSync(
  process.execPath,
  [require.resolve('prisma/build/index.js'), 'generate', '--schema', 'prisma/schema.prisma'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  },
);
