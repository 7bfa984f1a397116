#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { approverCommands } from './cli/commands/approver';
import { auditorCommands } from './cli/commands/auditor';
import { policyCommands } from './cli/commands/admin';
import { operatorCommands } from './cli/commands/operator';
import { requesterCommands } from './cli/commands/requester';
import { cliContext, exitCodes } from './cli/context';
import { EXIT, report, stdio } from './cli/output';

/**
 * `jit`: the service's command line for operators, admins, requesters, approvers, auditors and downstream checks
 * (PRODUCT.md section 17). Configuration from JIT_URL, JIT_TENANT, JIT_API_KEY or JIT_TOKEN; exit codes 0 (ok),
 * 1 (refused or denied), 2 (usage or connection error).
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const program = new Command('jit')
    .description('just-in-time access grants')
    .option('--json', 'print the service answer as JSON')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdio.out(text), writeErr: (text) => stdio.err(text) });
  const ctx = cliContext(program, env);
  operatorCommands(program, ctx);
  policyCommands(program, ctx);
  requesterCommands(program, ctx);
  approverCommands(program, ctx);
  auditorCommands(program, ctx);
  for (const command of program.commands) command.exitOverride();
  try {
    exitCodes.last = EXIT.ok;
    await program.parseAsync(argv, { from: 'user' });
    return exitCodes.last;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return report(ctx.output(), error);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
