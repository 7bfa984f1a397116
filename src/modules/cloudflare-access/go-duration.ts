/** The longest session a policy or application may set: one year, as /v1 max_duration_seconds. */
export const MAX_SESSION_SECONDS = 31_536_000;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * A Go duration string (`30m`, `2h45m`, `1.5h`, `24h`) in whole seconds, as Cloudflare's `session_duration`.
 * Returns an error message instead when the text is not a Go duration, uses a sub-second unit or does not come to
 * whole seconds (sub-second sessions are refused), is zero or negative, or exceeds MAX_SESSION_SECONDS.
 */
export function parseGoDuration(text: string): { seconds: number } | { error: string } {
  if (text.length === 0 || text.length > 64) return { error: 'must be a Go duration such as 30m, 2h45m or 24h' };
  let total = 0;
  TERM.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    TERM.lastIndex = at;
    const match = TERM.exec(text);
    if (!match) return { error: 'must be a Go duration such as 30m, 2h45m or 24h (units h, m, s)' };
    const unit = UNIT_SECONDS[match[2]];
    if (unit === undefined) return { error: 'sub-second units (ns, us, ms) are refused: sessions are whole seconds' };
    total += Number(match[1]) * unit;
    at = TERM.lastIndex;
  }
  const rounded = Math.round(total * 1000) / 1000;
  if (!Number.isInteger(rounded)) return { error: 'must come to whole seconds (sub-second sessions are refused)' };
  if (rounded <= 0) return { error: 'must be longer than zero' };
  if (rounded > MAX_SESSION_SECONDS) return { error: `must be at most ${MAX_SESSION_SECONDS / 3600}h` };
  return { seconds: rounded };
}
