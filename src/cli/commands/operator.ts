import type { Command } from 'commander';
import { UsageError } from '../args';
import { CliContext, run } from '../context';
import { show } from '../output';

interface Tenant {
  id: string;
  name: string;
  created_at: string;
}
interface Key {
  id: string;
  name: string;
  role: string;
  key?: string;
  subject_email?: string | null;
  created_at: string;
  revoked_at?: string | null;
}

/**
 * Without JIT_URL (or with --offline) the tenant is created in the database directly (DATABASE_URL), as before
 * the service runs; the framework is loaded only then, so other commands start fast.
 */
async function createOffline(name: string): Promise<{ tenant: Tenant; key: string }> {
  const { createTenantOffline } = await import('../offline');
  return createTenantOffline(name);
}

/** `jit tenant create|list`, `jit key create|list|revoke`, `jit migrate`: the operator's and admin's keys. */
export function operatorCommands(program: Command, ctx: CliContext): void {
  const tenant = program.command('tenant').description('tenants (operator: JIT_API_KEY is the ADMIN_API_KEY)');
  tenant
    .command('create')
    .requiredOption('--name <name>', 'tenant name')
    .option('--offline', 'write to the database (DATABASE_URL) instead of calling the service; the default without JIT_URL')
    .description('create a tenant and print its id and a first admin key')
    .action(
      run(async (options: { name: string; offline?: boolean }) => {
        const name = options.name.trim();
        if (name === '') throw new UsageError('--name must not be blank');
        let created: { tenant: Tenant; key: string };
        if (options.offline || !ctx.env.JIT_URL) created = await createOffline(name);
        else {
          const client = ctx.client();
          const made = (await client.request('POST', '/v1/tenants', { body: { name }, tenant: false })).body as Tenant;
          const key = (await client.request('POST', `/v1/tenants/${made.id}/api-keys`, { body: { name: 'first admin key', role: 'admin' }, tenant: false })).body as Key;
          created = { tenant: made, key: key.key as string };
        }
        show(ctx.output(), { tenant_id: created.tenant.id, name: created.tenant.name, admin_api_key: created.key }, () => [
          `tenant_id: ${created.tenant.id}`,
          `admin_api_key: ${created.key}`,
          'Store the key now: it is not shown again.',
        ]);
      }),
    );
  tenant
    .command('list')
    .description('list tenants')
    .action(
      run(async () => {
        const page = (await ctx.client().request('GET', '/v1/tenants?limit=500', { tenant: false })).body as { data: Tenant[] };
        show(ctx.output(), page, () => page.data.map((t) => `${t.id}  ${t.name}  ${t.created_at}`));
      }),
    );

  const key = program.command('key').description("API keys of the tenant (admin)");
  key
    .command('create')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--role <role>', 'admin, requester, approver, auditor or checker')
    .option('--subject-email <email>', 'bind the key to one person')
    .description('create a key and print its secret once')
    .action(
      run(async (options: { name: string; role: string; subjectEmail?: string }) => {
        const body = { name: options.name, role: options.role, ...(options.subjectEmail && { subject_email: options.subjectEmail }) };
        const made = (await ctx.client().request('POST', '/v1/api-keys', { body })).body as Key;
        show(ctx.output(), made, () => [`id: ${made.id}`, `role: ${made.role}`, `key: ${made.key}`, 'Store the key now: it is not shown again.']);
      }),
    );
  key
    .command('list')
    .description('list keys (never their secrets)')
    .action(
      run(async () => {
        const page = (await ctx.client().request('GET', '/v1/api-keys?limit=500')).body as { data: Key[] };
        show(ctx.output(), page, () => page.data.map((k) => `${k.id}  ${k.role.padEnd(9)}  ${k.name}${k.revoked_at ? '  (revoked)' : ''}`));
      }),
    );
  key
    .command('revoke')
    .argument('<id>', 'key id')
    .description('revoke a key')
    .action(
      run(async (id: string) => {
        await ctx.client().request('DELETE', `/v1/api-keys/${encodeURIComponent(id)}`);
        show(ctx.output(), { id, revoked: true }, () => [`revoked ${id}`]);
      }),
    );

  program
    .command('migrate')
    .description('create the database if missing and apply migrations (DATABASE_URL)')
    .action(
      run(async () => {
        const { migrateOffline } = await import('../offline');
        const applied = await migrateOffline();
        show(ctx.output(), { applied }, () => [applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date']);
      }),
    );
}
