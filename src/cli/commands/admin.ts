import type { Command } from 'commander';
import { stringify } from 'yaml';
import { UsageError } from '../args';
import { readBundle } from '../bundle-file';
import { CliContext, run } from '../context';
import { EXIT, show } from '../output';

interface Plan {
  policy_set_version: number;
  valid: boolean;
  tests: { name: string; passed: boolean; decision: string; approval_required: boolean; policy: string | null; notices: string[] }[];
  diff: Record<'added' | 'changed' | 'removed', { kind: string; name: string; fields?: string[] }[]>;
  impact: {
    active_denied: { grant_id: string; determining_rule_ids: string[]; notices: string[] }[];
    pending_denied: { grant_id: string; determining_rule_ids: string[]; notices: string[] }[];
    pending_rerouted: { grant_id: string }[];
  };
  applied?: boolean;
}

function planLines(plan: Plan): string[] {
  const lines = [`policy set version: ${plan.policy_set_version}`];
  for (const test of plan.tests) {
    const outcome = test.decision === 'deny' ? 'deny' : test.approval_required ? 'approval_required' : 'allow';
    lines.push(`${test.passed ? 'PASS' : 'FAIL'} ${test.name}: ${outcome}${test.policy ? ` (${test.policy})` : ''}${test.notices.length ? ` — ${test.notices.join('; ')}` : ''}`);
  }
  for (const [sign, key] of [['+', 'added'], ['~', 'changed'], ['-', 'removed']] as const) {
    for (const entry of plan.diff[key]) lines.push(`${sign} ${entry.kind} ${entry.name}${entry.fields ? ` (${entry.fields.join(', ')})` : ''}`);
  }
  const total = plan.diff.added.length + plan.diff.changed.length + plan.diff.removed.length;
  if (total === 0) lines.push('no changes');
  for (const grant of plan.impact.active_denied) lines.push(`! active grant ${grant.grant_id} would be denied (rules ${grant.determining_rule_ids.join(', ') || 'none'})${grant.notices.length ? `: ${grant.notices.join('; ')}` : ''}`);
  for (const grant of plan.impact.pending_denied) lines.push(`! pending request ${grant.grant_id} would be denied${grant.notices.length ? `: ${grant.notices.join('; ')}` : ''}`);
  for (const grant of plan.impact.pending_rerouted) lines.push(`! pending request ${grant.grant_id} would go to other approvers`);
  lines.push(plan.applied ? 'applied' : plan.valid ? 'all expectations pass' : 'some expectations fail');
  return lines;
}

/** `jit policy plan|apply|export`: policy as code (PRODUCT.md section 17). */
export function policyCommands(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description('policy bundles: plan, apply and export (admin)');
  policy
    .command('plan')
    .argument('<file>', 'bundle, JSON or YAML')
    .description('validate a bundle, run its tests and show the diff and impact; changes nothing')
    .action(
      run(async (file: string) => {
        const plan = (await ctx.client().request('POST', '/v1/policy-bundles/plan', { body: readBundle(file, ctx.env) })).body as Plan;
        show(ctx.output(), plan, () => planLines(plan));
        return plan.valid ? EXIT.ok : EXIT.refused;
      }),
    );
  policy
    .command('apply')
    .argument('<file>', 'bundle, JSON or YAML')
    .option('--on-impact <mode>', 'keep or revoke active grants and pending requests the new policies deny', 'keep')
    .option('--if-match <version>', 'the policy-set version you planned against (default: plan now and use its version)')
    .description('plan, then apply when every test passes and nobody changed the policies meanwhile')
    .action(
      run(async (file: string, options: { onImpact: string; ifMatch?: string }) => {
        if (!['keep', 'revoke'].includes(options.onImpact)) throw new UsageError('--on-impact must be keep or revoke');
        const body = readBundle(file, ctx.env);
        const client = ctx.client();
        const version = options.ifMatch ?? String(((await client.request('POST', '/v1/policy-bundles/plan', { body })).body as Plan).policy_set_version);
        const applied = (await client.request('POST', `/v1/policy-bundles/apply?on_impact=${options.onImpact}`, { body, headers: { 'if-match': `"${version}"` } })).body as Plan;
        show(ctx.output(), applied, () => planLines(applied));
      }),
    );
  policy
    .command('export')
    .option('--format <format>', 'yaml or json', 'yaml')
    .description('print the live policies, lists, channels, entities and schema as a bundle')
    .action(
      run(async (options: { format: string }) => {
        if (!['yaml', 'json'].includes(options.format)) throw new UsageError('--format must be yaml or json');
        const answer = await ctx.client().request('GET', '/v1/policy-bundles/current');
        const output = ctx.output();
        output.out(output.json || options.format === 'json' ? JSON.stringify(answer.body, null, 2) : stringify(answer.body));
      }),
    );
}
