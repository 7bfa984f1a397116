import type { Command } from 'commander';
import { parseDuration, parseJsonObject, parseUid } from '../args';
import { CliContext, run } from '../context';
import { show } from '../output';
import { GrantBody, grantLine, grantStatusLines } from './grant-lines';

/** The principal: `--principal`, else left to the service, which takes the signed-in person (JIT_TOKEN) or the key's subject. */
const principalOf = (given: string | undefined) => (given ? { principal: parseUid(given, '--principal') } : {});

/** `jit request`, `jit status`, `jit release`, `jit extend`: a requester's commands. */
export function requesterCommands(program: Command, ctx: CliContext): void {
  program
    .command('request')
    .requiredOption('--action <action>', 'action id (ssh) or uid (Action::"ssh")')
    .requiredOption('--resource <uid>', 'resource, for example Host::prod-db-1')
    .option('--principal <uid>', 'who needs access, for example User::alice')
    .option('--for <duration>', 'how long: 90s, 30m, 2h, 1d (default: the policy default)')
    .option('--why <text>', 'justification')
    .option('--context <json>', 'extra Cedar context, a JSON object')
    .option('--requester-email <email>', 'who asks (notified of the outcome)')
    .description('ask for time-boxed access; prints the decision and the grant id')
    .action(
      run(async (options: { action: string; resource: string; principal?: string; for?: string; why?: string; context?: string; requesterEmail?: string }) => {
        const body = {
          ...principalOf(options.principal),
          action: parseUid(options.action, '--action', 'Action'),
          resource: parseUid(options.resource, '--resource'),
          ...(options.for !== undefined && { duration_seconds: parseDuration(options.for, '--for') }),
          ...(options.why !== undefined && { justification: options.why }),
          ...(options.context !== undefined && { context: parseJsonObject(options.context, '--context') }),
          ...(options.requesterEmail !== undefined && { requester_email: options.requesterEmail }),
        };
        const grant = (await ctx.client().request('POST', '/v1/grants', { body })).body as GrantBody;
        show(ctx.output(), grant, () => grantStatusLines(grant));
      }),
    );
  program
    .command('status')
    .argument('[id]', 'grant id (default: recent grants)')
    .option('--principal <uid>', 'only grants of this principal')
    .description("a grant's status, or the most recent grants")
    .action(
      run(async (id: string | undefined, options: { principal?: string }) => {
        const client = ctx.client();
        if (id) {
          const grant = (await client.request('GET', `/v1/grants/${encodeURIComponent(id)}`)).body as GrantBody;
          return show(ctx.output(), grant, () => grantStatusLines(grant));
        }
        const query = new URLSearchParams({ limit: '20' });
        if (options.principal) {
          const uid = parseUid(options.principal, '--principal');
          query.set('principal_type', uid.type);
          query.set('principal_id', uid.id);
        }
        const path = ctx.env.JIT_TOKEN && !ctx.env.JIT_API_KEY ? '/v1/me/grants' : '/v1/grants';
        const page = (await client.request('GET', `${path}?${query.toString()}`)).body as { data: GrantBody[] };
        show(ctx.output(), page, () => (page.data.length ? page.data.map(grantLine) : ['no grants']));
      }),
    );
  program
    .command('release')
    .argument('<id>', 'grant id')
    .description('end your own access early (or cancel your request)')
    .action(
      run(async (id: string) => {
        const grant = (await ctx.client().request('POST', `/v1/grants/${encodeURIComponent(id)}/release`, { body: {} })).body as GrantBody;
        show(ctx.output(), grant, () => grantStatusLines(grant));
      }),
    );
  program
    .command('extend')
    .argument('<id>', 'grant id')
    .requiredOption('--by <duration>', 'time to add: 90s, 30m, 2h, 1d')
    .option('--why <text>', 'why more time is needed')
    .description('ask for more time on an active grant')
    .action(
      run(async (id: string, options: { by: string; why?: string }) => {
        const body = { duration_seconds: parseDuration(options.by, '--by'), ...(options.why !== undefined && { justification: options.why }) };
        const answer = await ctx.client().request('POST', `/v1/grants/${encodeURIComponent(id)}/extend`, { body });
        const grant = answer.body as GrantBody;
        show(ctx.output(), grant, () => [...grantStatusLines(grant), ...(answer.status === 202 ? ['the extension waits for approval'] : [])]);
      }),
    );
}
