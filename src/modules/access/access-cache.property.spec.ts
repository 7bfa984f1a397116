import fc from 'fast-check';
import { GrantTransition, GrantStatus, nextStatus } from '@/modules/grants/grant-state';
import { accessKey, GrantUpdate, TenantGrants } from './access-cache';

/** A grant row as the database holds it, moved only by the state machine (grant-state.ts). */
interface Row {
  id: string;
  triple: number;
  status: GrantStatus;
  expiresAt: number | null;
}

const TRIPLES = [0, 1, 2].map((n) => ({
  principal: { type: 'User', id: `u${n % 2}` },
  action: { type: 'Action', id: 'ssh' },
  resource: { type: 'Host', id: `h${n}` },
}));
const keyOf = (triple: number) => accessKey(TRIPLES[triple].principal, TRIPLES[triple].action, TRIPLES[triple].resource);
const NOW = 1_000_000;

type Step = { kind: 'create'; triple: number; pending: boolean; expiresIn: number } | { kind: 'event'; grant: number; event: GrantTransition; expiresIn: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), triple: fc.integer({ min: 0, max: 2 }), pending: fc.boolean(), expiresIn: fc.integer({ min: -5_000, max: 50_000 }) }),
  fc.record({
    kind: fc.constant('event' as const),
    grant: fc.nat({ max: 7 }),
    event: fc.constantFrom<GrantTransition>('approve', 'deny', 'cancel', 'time_out', 'expire', 'revoke', 'extend'),
    expiresIn: fc.integer({ min: -5_000, max: 50_000 }),
  }),
);

/** What the database answers (GrantsRepository.findActiveFor): the active grant with the latest expiry, not yet past. */
function databaseAnswer(rows: Row[], triple: number): number | null {
  const live = rows.filter((row) => row.triple === triple && row.status === 'active' && row.expiresAt !== null && row.expiresAt > NOW);
  return live.length === 0 ? null : Math.max(...live.map((row) => row.expiresAt as number));
}

/** Applies one step to the rows the way GrantTransitions does, and returns the update it would publish, if any. */
function apply(rows: Row[], s: Step): GrantUpdate | null {
  let row: Row;
  if (s.kind === 'create') {
    row = { id: `g${rows.length}`, triple: s.triple, status: s.pending ? 'pending_approval' : 'active', expiresAt: s.pending ? null : NOW + s.expiresIn };
    rows.push(row);
  } else {
    if (rows.length === 0) return null;
    row = rows[s.grant % rows.length];
    const to = nextStatus(row.status, s.event);
    if (to === null) return null;
    if (s.event === 'approve') row.expiresAt = NOW + s.expiresIn;
    // An extension only ever moves expires_at later (GrantsService.extend adds seconds to it).
    if (s.event === 'extend' && row.expiresAt !== null) row.expiresAt += Math.abs(s.expiresIn);
    row.status = to;
  }
  return { id: row.id, ...TRIPLES[row.triple], status: row.status, expiresAt: row.expiresAt, auditSession: false };
}

describe('TenantGrants against the grant state machine (property)', () => {
  it('answers like the database after any transitions, delivered in any order and duplicated', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.infiniteStream(fc.nat()), (steps, randomness) => {
        const rows: Row[] = [];
        const published: GrantUpdate[] = [];
        const random = randomness[Symbol.iterator]();
        const draw = (n: number) => (random.next().value as number) % n;
        for (const s of steps) {
          const update = apply(rows, s);
          if (update) published.push(update);
          // Every message so far, shuffled, some of them twice, into a cache that starts empty (a fresh process).
          const delivery = [...published, ...published.filter(() => draw(3) === 0)];
          for (let i = delivery.length - 1; i > 0; i -= 1) {
            const j = draw(i + 1);
            [delivery[i], delivery[j]] = [delivery[j], delivery[i]];
          }
          const cache = new TenantGrants();
          for (const message of delivery) cache.apply({ ...message }, NOW);
          for (const triple of [0, 1, 2]) {
            expect(cache.find(keyOf(triple), NOW)?.expiresAt ?? null).toBe(databaseAnswer(rows, triple));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('allows a grant approved after the tenant was cached (pending first, then active)', () => {
    const cache = new TenantGrants();
    const base = { id: 'g1', ...TRIPLES[0], auditSession: false };
    cache.apply({ ...base, status: 'pending_approval', expiresAt: null }, NOW);
    cache.apply({ ...base, status: 'active', expiresAt: NOW + 60_000 }, NOW);
    expect(cache.find(keyOf(0), NOW)?.id).toBe('g1');
  });
});
