import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';

/** A queue's handlers: exactly one per job name of its map (job name → data); `token` lets a handler delay its job. */
export type JobHandlers<M> = { [K in keyof M]: (data: M[K], job: Job, token?: string) => Promise<void> };

interface Registration {
  names: readonly string[];
  handlers: Record<string, unknown>[];
}

/**
 * Every job name has exactly one handler (the check immich runs at start): each queue declares its job names, each
 * processor registers its handlers, and start-up fails in a worker process where a name has none or several.
 * A job whose name has no handler fails without retries.
 */
@Injectable()
export class JobRegistry implements OnApplicationBootstrap {
  private readonly queues = new Map<string, Registration>();

  register<M>(queue: string, names: readonly (keyof M & string)[], handlers: JobHandlers<M>): void {
    const entry = this.queues.get(queue) ?? { names, handlers: [] };
    entry.handlers.push(handlers as Record<string, unknown>);
    this.queues.set(queue, entry);
  }

  /** Runs the handler of the job's name; an unknown name is an unrecoverable failure (no retries). */
  async dispatch(queue: string, job: Job, token?: string): Promise<void> {
    const handler = this.queues.get(queue)?.handlers.find((h) => Object.hasOwn(h, job.name))?.[job.name] as
      | ((data: unknown, job: Job, token?: string) => Promise<void>)
      | undefined;
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" of queue "${queue}"`);
    await handler(job.data, job, token);
  }

  onApplicationBootstrap(): void {
    const problems: string[] = [];
    for (const [queue, { names, handlers }] of this.queues) {
      for (const name of names) {
        const count = handlers.filter((h) => typeof h[name] === 'function').length;
        if (count !== 1) problems.push(`job "${name}" of queue "${queue}" has ${count} handlers`);
      }
      for (const handler of handlers) for (const name of Object.keys(handler)) if (!names.includes(name)) problems.push(`queue "${queue}" has no job "${name}"`);
    }
    if (problems.length > 0) throw new Error(`Job handlers are inconsistent: ${problems.join('; ')}`);
  }
}
