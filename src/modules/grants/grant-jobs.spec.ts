import fc from 'fast-check';
import { EXPIRY_BUCKET_MS, expiryBucket, expiryPhase } from './grant-jobs';

describe('expiryBucket', () => {
  it('is never before the expiry and less than one bucket after it, on the tenant\'s own grid', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 4_000_000_000_000 }), (tenantId, at) => {
        const due = expiryBucket(tenantId, new Date(at));
        expect(due).toBeGreaterThanOrEqual(at);
        expect(due - at).toBeLessThan(EXPIRY_BUCKET_MS);
        expect((((due - expiryPhase(tenantId)) % EXPIRY_BUCKET_MS) + EXPIRY_BUCKET_MS) % EXPIRY_BUCKET_MS).toBe(0);
      }),
    );
  });

  it('spreads tenants over the bucket', () => {
    const phases = new Set(Array.from({ length: 100 }, () => expiryPhase(crypto.randomUUID())));
    expect(phases.size).toBeGreaterThan(50);
  });
});
