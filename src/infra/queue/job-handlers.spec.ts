import { Job, UnrecoverableError } from 'bullmq';
import { JobHandlers, JobRegistry } from './job-handlers';

interface Jobs {
  a: { n: number };
  b: { s: string };
}
const job = (name: string, data: unknown) => ({ name, data }) as Job;

describe('JobRegistry', () => {
  it('dispatches each job to its one handler', async () => {
    const registry = new JobRegistry();
    const seen: unknown[] = [];
    registry.register<Jobs>('q', ['a', 'b'], { a: async (d) => void seen.push(d.n), b: async (d) => void seen.push(d.s) });
    expect(() => registry.onApplicationBootstrap()).not.toThrow();
    await registry.dispatch('q', job('a', { n: 1 }));
    await registry.dispatch('q', job('b', { s: 'x' }));
    expect(seen).toEqual([1, 'x']);
    await expect(registry.dispatch('q', job('c', {}))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('refuses to start when a job name has no handler, two handlers, or a handler names no job', () => {
    const missing = new JobRegistry();
    missing.register<Jobs>('q', ['a', 'b'], { a: async () => undefined } as unknown as JobHandlers<Jobs>);
    expect(() => missing.onApplicationBootstrap()).toThrow('job "b" of queue "q" has 0 handlers');
    const twice = new JobRegistry();
    const both: JobHandlers<Jobs> = { a: async () => undefined, b: async () => undefined };
    twice.register<Jobs>('q', ['a', 'b'], both);
    twice.register<Jobs>('q', ['a', 'b'], both);
    expect(() => twice.onApplicationBootstrap()).toThrow('has 2 handlers');
    const unknown = new JobRegistry();
    unknown.register<Jobs>('q', ['a'], both);
    expect(() => unknown.onApplicationBootstrap()).toThrow('queue "q" has no job "b"');
  });
});
