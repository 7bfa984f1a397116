import { Client } from 'pg';

/** A second session holding the tenant's audit chain head until `release` (idempotent) commits and closes it. */
export async function holdChainHead(databaseUrl: string, tenantId: string): Promise<{ release: () => Promise<void> }> {
  const holder = new Client({ connectionString: databaseUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT seq FROM audit_heads WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
  let released: Promise<void> | undefined;
  return { release: () => (released ??= holder.query('COMMIT').then(() => holder.end())) };
}
