import type { GoverningPolicy } from '@/infra/cedar/decision.types';
import { effectiveDuration, requestContext } from './simulation';

describe('simulation helpers', () => {
  const policy = { maxDurationSeconds: 3600, defaultDurationSeconds: 600 } as GoverningPolicy;

  it('uses the requested duration, else the default, else the maximum, and never clamps', () => {
    expect(effectiveDuration(100, policy)).toBe(100);
    expect(effectiveDuration(undefined, policy)).toBe(600);
    expect(effectiveDuration(undefined, { ...policy, defaultDurationSeconds: null })).toBe(3600);
    expect(() => effectiveDuration(3601, policy)).toThrow('maximum');
  });

  it('sets the reserved context keys over the caller\'s', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(requestContext({ ticket: 'INC-1', duration_seconds: 1, requested_at: 'x' }, 60, undefined, at)).toEqual({
      ticket: 'INC-1',
      duration_seconds: 60,
      justification: '',
      requested_at: '2026-01-02T03:04:05.000Z',
    });
  });
});
