import type { Command } from 'commander';
import { ApiClient, clientConfig } from './client';
import { Output, stdio } from './output';

/** What every command gets: its output (with `--json`), the environment and an API client made on first use. */
export interface CliContext {
  output: () => Output;
  env: NodeJS.ProcessEnv;
  client: () => ApiClient;
}

export function cliContext(program: Command, env: NodeJS.ProcessEnv): CliContext {
  return {
    output: () => ({ json: program.opts<{ json?: boolean }>().json === true, ...stdio }),
    env,
    client: () => new ApiClient(clientConfig(env)),
  };
}

/** A command's action returns its exit code (0 unless it says otherwise). */
export type Action<A extends unknown[]> = (...args: A) => Promise<number | void>;

/** Wraps an action so that the exit code reaches main (commander discards return values). */
export const exitCodes: { last: number } = { last: 0 };
export function run<A extends unknown[]>(action: Action<A>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    exitCodes.last = (await action(...args)) ?? 0;
  };
}
