import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';

/** Share of a budget a process may count in memory before every request of that subject asks Redis again. */
export const LOCAL_SHARE = 0.5;
/** How often counts made in memory are added to the shared counters (ms). */
export const FLUSH_MS = 1000;
/** Subjects counted in memory at most; past it, new subjects are counted in Redis request by request. */
const MAX_TALLIES = 100_000;

interface Tally {
  subject: string;
  /** The shared counter for the window as Redis last answered it. */
  known: number;
  /** Requests admitted here and not yet added to the shared counter. */
  pending: number;
  /** When the window of `known` ends (ms since epoch). */
  resetAt: number;
}

/**
 * One limit counted in memory while far from its budget, in Redis (rate-limiter-flexible) near it. A subject's
 * first request of a window, and every request once the shared counter plus what this process counted reaches
 * LOCAL_SHARE of the budget, goes to Redis and is decided there exactly; below that, requests are admitted in
 * memory and their count is added to the shared counter every FLUSH_MS. So a subject far from its limit costs no
 * Redis call per request, and one near it is decided exactly as before; what other processes admitted in the
 * last FLUSH_MS may show late, and only while the subject is below half its budget.
 */
export class LocalTallies {
  private readonly tallies = new Map<string, Tally>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
    private readonly onFlushError: (error: unknown) => void = () => undefined,
  ) {}

  /**
   * Counts one request of `subject`: undefined when admitted in memory, else a promise that resolves when Redis
   * admits it and rejects with the library's RateLimiterRes when over the limit.
   */
  consume(subject: string, now = Date.now()): Promise<void> | undefined {
    const tally = this.tallies.get(subject);
    if (tally && now < tally.resetAt && tally.known + tally.pending + 1 <= this.points * LOCAL_SHARE) {
      tally.pending += 1;
      this.scheduleFlush();
      return undefined;
    }
    return this.consumeShared(subject, tally, now);
  }

  /** Adds every count made in memory to the shared counters; resolves when Redis has answered. */
  async flush(now = Date.now()): Promise<void> {
    this.timer = undefined;
    const work: Promise<void>[] = [];
    for (const [subject, tally] of this.tallies) {
      if (tally.pending === 0) {
        if (now >= tally.resetAt) this.tallies.delete(subject);
        continue;
      }
      const points = tally.pending;
      tally.pending = 0;
      work.push(
        this.limiter.penalty(subject, points).then(
          (res) => this.learn(tally, res, now),
          (error: unknown) => {
            tally.pending += points;
            this.onFlushError(error);
          },
        ),
      );
    }
    await Promise.all(work);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async consumeShared(subject: string, tally: Tally | undefined, now: number): Promise<void> {
    // What this process admitted in memory in this window and has not added yet counts now, with this request.
    const pending = tally && now < tally.resetAt ? tally.pending : 0;
    if (tally) tally.pending -= pending;
    try {
      this.remember(subject, await this.limiter.consume(subject, 1 + pending), now);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) this.remember(subject, rejection, now);
      throw rejection;
    }
  }

  private remember(subject: string, res: RateLimiterRes, now: number): void {
    const tally = this.tallies.get(subject);
    if (tally) this.learn(tally, res, now);
    else if (this.tallies.size < MAX_TALLIES) this.tallies.set(subject, { subject, known: res.consumedPoints, pending: 0, resetAt: now + res.msBeforeNext });
  }

  private learn(tally: Tally, res: RateLimiterRes, now: number): void {
    tally.known = res.consumedPoints;
    tally.resetAt = now + res.msBeforeNext;
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }
}
