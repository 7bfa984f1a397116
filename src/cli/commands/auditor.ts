import type { Command } from 'commander';
import { parseDuration, parseUid, UsageError } from '../args';
import { CliContext, run } from '../context';
import { EXIT, show } from '../output';
import { GrantBody, grantLine } from './grant-lines';

/** `jit audit export|verify`, `jit grants`: an auditor's commands; `jit check`: a downstream system's. */
export function auditorCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the tamper-evident audit trail (auditor)');
  audit
    .command('export')
    .option('--format <format>', 'csv or ndjson', 'ndjson')
    .option('--since <duration>', 'only events of the last 90s, 30m, 2h, 1d...')
    .description('print every audit event as the service streams it (redirect to a file)')
    .action(
      run(async (options: { format: string; since?: string }) => {
        if (!['csv', 'ndjson'].includes(options.format)) throw new UsageError('--format must be csv or ndjson');
        const query = new URLSearchParams({ format: options.format });
        if (options.since) query.set('since', new Date(Date.now() - parseDuration(options.since, '--since') * 1000).toISOString());
        await ctx.client().stream('GET', `/v1/audit/events/export?${query.toString()}`, process.stdout, { headers: { accept: '*/*' } });
      }),
    );
  audit
    .command('verify')
    .description("recompute the hash chain; exit 1 when it is broken")
    .action(
      run(async () => {
        const result = (await ctx.client().request('GET', '/v1/audit/verify')).body as { valid: boolean; events_checked: number; first_invalid_id?: string; reason?: string };
        show(ctx.output(), result, () => [result.valid ? `chain intact: ${result.events_checked} events checked` : `chain BROKEN at ${result.first_invalid_id} (${result.reason})`]);
        return result.valid ? EXIT.ok : EXIT.refused;
      }),
    );
  program
    .command('grants')
    .option('--principal <uid>', 'for example User::alice')
    .option('--since <duration>', 'created in the last 90s, 30m, 2h, 1d...')
    .option('--status <status>', 'active, expired, revoked, pending_approval, denied...')
    .description('grant history, every page')
    .action(
      run(async (options: { principal?: string; since?: string; status?: string }) => {
        const query = new URLSearchParams({ limit: '500' });
        if (options.principal) {
          const uid = parseUid(options.principal, '--principal');
          query.set('principal_type', uid.type);
          query.set('principal_id', uid.id);
        }
        if (options.since) query.set('created_after', new Date(Date.now() - parseDuration(options.since, '--since') * 1000).toISOString());
        if (options.status) query.set('status', options.status);
        const grants: GrantBody[] = [];
        for (let cursor: string | null = null; ; ) {
          if (cursor) query.set('cursor', cursor);
          const page = (await ctx.client().request('GET', `/v1/grants?${query.toString()}`)).body as { data: GrantBody[]; next_cursor: string | null };
          grants.push(...page.data);
          cursor = page.next_cursor;
          if (!cursor) break;
        }
        show(ctx.output(), { data: grants }, () => (grants.length ? grants.map(grantLine) : ['no grants']));
      }),
    );
  program
    .command('check')
    .requiredOption('--principal <uid>', 'for example User::alice')
    .requiredOption('--action <action>', 'action id (ssh) or uid')
    .requiredOption('--resource <uid>', 'for example Host::prod-db-1')
    .description('is this access granted right now? exit 0 when allowed, 1 when not')
    .action(
      run(async (options: { principal: string; action: string; resource: string }) => {
        const body = { principal: parseUid(options.principal, '--principal'), action: parseUid(options.action, '--action', 'Action'), resource: parseUid(options.resource, '--resource') };
        const answer = (await ctx.client().request('POST', '/v1/access/check', { body })).body as { allowed: boolean; grant_id: string | null; expires_at: string | null };
        show(ctx.output(), answer, () => [answer.allowed ? `allowed by grant ${answer.grant_id} until ${answer.expires_at}` : 'not allowed']);
        return answer.allowed ? EXIT.ok : EXIT.refused;
      }),
    );
}
