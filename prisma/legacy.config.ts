// Prisma 6.19's CLI: its WebAssembly schema engine generates migration SQL offline (see README, "Migrations").
import { defineConfig } from 'prisma-legacy/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'schema.prisma',
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' }),
});
