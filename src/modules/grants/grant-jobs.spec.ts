import fc from 'fast-check';
import { EXPIRY_BUCKET_MS, expiryBucket } from './grant-jobs';

describe('expiryBucket', () => {
  it('is never before the expiry and less than one bucket after it, on the bucket grid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (at) => {
        const due = expiryBucket(new Date(at));
        expect(due).toBeGreaterThanOrEqual(at);
        expect(due - at).toBeLessThan(EXPIRY_BUCKET_MS);
        expect(due % EXPIRY_BUCKET_MS).toBe(0);
      }),
    );
  });
});
