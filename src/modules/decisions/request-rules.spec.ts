import { DomainError } from '@/common/errors/domain-error';
import type { GoverningPolicy } from './decision.types';
import { buildContext, checkJustification, effectiveDuration } from './request-rules';
import { PLAIN_POLICY } from './spec-fixtures';

const policy = (over: Partial<GoverningPolicy> = {}): GoverningPolicy => ({ id: 'p', name: 'p', ...PLAIN_POLICY, defaultDurationSeconds: 900, ...over });

describe('effectiveDuration', () => {
  it('takes the request, else the default, else the maximum', () => {
    expect(effectiveDuration(60, policy())).toBe(60);
    expect(effectiveDuration(undefined, policy())).toBe(900);
    expect(effectiveDuration(undefined, policy({ defaultDurationSeconds: null }))).toBe(3600);
  });

  it('refuses more than the maximum with the maximum in details', () => {
    expect(() => effectiveDuration(3601, policy())).toThrow(expect.objectContaining({ code: 'invalid_input', details: { field: 'duration_seconds', max_duration_seconds: 3600 } }));
  });
});

describe('checkJustification', () => {
  it('asks with the prompt when required and blank', () => {
    const strict = policy({ purposeJustificationRequired: true, purposeJustificationPrompt: 'Ticket?' });
    expect(() => checkJustification('  ', strict)).toThrow(DomainError);
    expect(() => checkJustification(undefined, strict)).toThrow(expect.objectContaining({ details: { field: 'justification', prompt: 'Ticket?' } }));
    expect(() => checkJustification('INC-1', strict)).not.toThrow();
    expect(() => checkJustification(undefined, policy())).not.toThrow();
  });
});

describe('buildContext', () => {
  it('keeps caller keys but never lets them override the reserved ones', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(buildContext({ ticket: 'X', duration_seconds: 1 }, 600, undefined, at)).toEqual({
      ticket: 'X',
      duration_seconds: 600,
      justification: '',
      requested_at: '2026-01-01T00:00:00.000Z',
    });
  });
});
