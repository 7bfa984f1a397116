import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's logger interface over the shared pino root, so application logs and request lines are one JSON stream.
 * Accepts Nest's `(message, ...params, context)` calls and the pino style `logger.error({ err }, 'text')` that the
 * services use (Nest appends the `Logger` instance's context as the last string argument).
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const text = rest.find((p): p is string => typeof p === 'string');
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      this.root[level]({ ...(message as Record<string, unknown>), context }, text);
    } else if (message instanceof Error) {
      this.root[level]({ err: message, context }, text ?? message.message);
    } else {
      // Nest's own error(message, stack, context): the stack comes as the string before the context.
      this.root[level]({ context, ...(text && level === 'error' && { stack: text }) }, String(message));
    }
  }
}
