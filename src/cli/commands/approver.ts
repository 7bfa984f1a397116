import type { Command } from 'commander';
import { CliContext, run } from '../context';
import { show } from '../output';
import { GrantBody, grantStatusLines, uidText } from './grant-lines';

interface Waiting {
  grant: GrantBody & { justification?: string | null; requester_email?: string | null };
  /** One entry per approval group (GET /v1/me/approvals, PRODUCT.md section 16; members_count as the README says). */
  groups: { approvals_needed: number; approvals: number; members_count: number }[];
  approval_deadline: string | null;
}

/** `jit approvals`, `jit approve`, `jit deny`: an approver's commands. */
export function approverCommands(program: Command, ctx: CliContext): void {
  program
    .command('approvals')
    .description('requests waiting for my decision')
    .action(
      run(async () => {
        const page = (await ctx.client().request('GET', '/v1/me/approvals?limit=500')).body as { data: Waiting[] };
        show(ctx.output(), page, () =>
          page.data.length === 0
            ? ['nothing is waiting for you']
            : page.data.map(
                (w) =>
                  `${w.grant.id}  ${uidText(w.grant.principal)} ${uidText(w.grant.action)} ${uidText(w.grant.resource)}  ${w.grant.duration_seconds}s` +
                  `${w.grant.justification ? `  "${w.grant.justification}"` : ''}${w.approval_deadline ? `  until ${w.approval_deadline}` : ''}`,
              ),
        );
      }),
    );
  for (const decision of ['approve', 'deny'] as const) {
    program
      .command(decision)
      .argument('<id>', 'grant id')
      .option('--comment <text>', 'a comment for the requester and the audit trail')
      .option('--as <email>', 'the approver (default JIT_EMAIL; a key bound to a person needs none)')
      .description(`${decision} a request`)
      .action(
        run(async (id: string, options: { comment?: string; as?: string }) => {
          const email = options.as ?? ctx.env.JIT_EMAIL;
          const body = { decision, ...(email && { approver_email: email }), ...(options.comment !== undefined && { comment: options.comment }) };
          const grant = (await ctx.client().request('POST', `/v1/grants/${encodeURIComponent(id)}/approvals`, { body })).body as GrantBody;
          show(ctx.output(), grant, () => grantStatusLines(grant));
        }),
      );
  }
}
