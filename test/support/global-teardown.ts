import { withAdmin } from './db';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.JIT_TEST_TEMPLATE;
  if (template) await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
}
