import fc from 'fast-check';
import { canonicalJson, ChainedEvent, ChainVerifier, eventHash, GENESIS_HASH } from './audit-chain';

/** The first canonicalJson, which every stored hash was made with: the faster one must print the same text. */
function firstCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(firstCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstCanonicalJson(v)}`).join(',')}}`;
}

const TENANT = '6f1c1b8e-2f7a-4a43-9a55-0d3c2b1a0001';

function chain(length: number): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= length; i += 1) {
    const unhashed = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      tenantId: TENANT,
      seq: BigInt(i),
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      actorType: 'api_key',
      actorId: 'k1',
      actorEmail: null,
      action: 'thing.changed',
      targetType: 'thing',
      targetId: `t${i}`,
      data: { n: i, nested: { b: 1, a: [1, 'x'] } },
    };
    const hash = eventHash(prev, unhashed);
    events.push({ ...unhashed, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}

function verify(events: ChainedEvent[], head?: { seq: bigint; hash: string } | null) {
  const verifier = new ChainVerifier();
  for (const event of events) verifier.step(event);
  return verifier.result(head);
}

const headOf = (events: ChainedEvent[]) => {
  const last = events[events.length - 1];
  return last ? { seq: last.seq, hash: last.hash } : null;
};

describe('eventHash against a known answer', () => {
  it('is sha256 of the previous hash and the canonical event, as computed independently (Python hashlib)', () => {
    // python3: json.dumps(event, sort_keys=True, separators=(',', ':')); hashlib.sha256(('0'*64 + body).encode())
    expect(chain(1)[0].hash).toBe('63ab9f545dd11f89ca3db64e77c253efe6d8ec106afecaf8104b54dba6e25150');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
    );
  });

  it('does not depend on insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain and an empty one', () => {
    const events = chain(5);
    expect(verify(events, headOf(events))).toEqual({ valid: true, events_checked: 5 });
    expect(verify([], null)).toEqual({ valid: true, events_checked: 0 });
  });

  it('names the event whose content changed', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, data: { n: 99 } };
    expect(verify(events, headOf(events))).toEqual({
      valid: false,
      events_checked: 3,
      first_invalid_id: events[2]!.id,
      reason: 'hash_mismatch',
    });
  });

  it('names the event after a rewritten one whose hash was recomputed', () => {
    const events = chain(5);
    const forged = { ...events[1]!, targetId: 'forged' };
    events[1] = { ...forged, hash: eventHash(forged.prevHash, forged) };
    expect(verify(events, headOf(events))).toMatchObject({ first_invalid_id: events[2]!.id, reason: 'prev_hash_mismatch' });
  });

  it('names the event after a deleted one', () => {
    const events = chain(5);
    events.splice(2, 1);
    expect(verify(events, headOf(events))).toMatchObject({ valid: false, first_invalid_id: events[2]!.id, reason: 'sequence_gap' });
  });

  it('detects events cut from the end through the head', () => {
    const events = chain(5);
    const head = headOf(events);
    expect(verify(events.slice(0, 3), head)).toEqual({ valid: false, events_checked: 3, reason: 'head_mismatch' });
    expect(verify([], head)).toEqual({ valid: false, events_checked: 0, reason: 'head_mismatch' });
    expect(verify(events.slice(0, 3))).toEqual({ valid: true, events_checked: 3 });
  });
});

describe('canonicalJson', () => {
  it('prints what the first version printed, for any value (integer-like and unicode keys, undefined, holes)', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('10', '2', '0', '01', 'é', 'e\u0301', '\ud83d\ude00', '__proto__x', ''));
    const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.sparseArray(tie('value'), { maxLength: 5 }), fc.array(tie('value'), { maxLength: 5 }), fc.dictionary(key, tie('value'), { maxKeys: 6 })),
    }));
    fc.assert(fc.property(value, (input) => expect(canonicalJson(input)).toBe(firstCanonicalJson(input))), { numRuns: 3000 });
  });
});
