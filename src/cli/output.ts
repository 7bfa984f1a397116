import { UsageError } from './args';
import { ConnectionError, ServiceError } from './client';

/** Exit codes of `jit` (PRODUCT.md section 17). */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export interface Output {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const stdio: Omit<Output, 'json'> = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** `--json`: the service's answer as is; otherwise the human `lines`. */
export function show(output: Output, body: unknown, lines: () => string[]): void {
  if (output.json) output.out(JSON.stringify(body, null, 2));
  else output.out(lines().join('\n'));
}

/** The error as the user should see it (message, notices and field errors; never a stack) and its exit code. */
export function report(output: Output, error: unknown): number {
  if (error instanceof ServiceError) {
    if (output.json && error.body) {
      output.out(JSON.stringify(error.body, null, 2));
      return EXIT.refused;
    }
    output.err(`error: ${error.message}${error.body?.code ? ` (${error.body.code}, HTTP ${error.status})` : ` (HTTP ${error.status})`}`);
    for (const notice of error.body?.notices ?? []) output.err(`  notice: ${notice}`);
    const fields = (error.body?.details?.fields ?? {}) as Record<string, string[]>;
    for (const [field, messages] of Object.entries(fields)) output.err(`  ${field}: ${messages.join('; ')}`);
    const prompt = error.body?.details?.prompt;
    if (typeof prompt === 'string') output.err(`  justification required: ${prompt} (give it with --why)`);
    return EXIT.refused;
  }
  if (error instanceof UsageError || error instanceof ConnectionError) {
    output.err(`error: ${error.message}`);
    return EXIT.usage;
  }
  output.err(`error: ${(error as Error)?.message ?? String(error)}`);
  return EXIT.refused;
}
