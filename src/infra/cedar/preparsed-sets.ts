import { cedar } from './cedar-wasm';
import { cedarMessages } from './cedar-checks';
import type { CedarSchemaValue } from './cedar-types';

/** What a slot holds: a policy set by rule id, or a schema. */
export type PreparsedValue = { staticPolicies: Record<string, string> } | CedarSchemaValue;

/**
 * Policy sets and schemas parsed once inside the WASM module and reused by `statefulIsAuthorized`. The module
 * cannot forget a parsed set, only replace it, so entries live in a fixed number of slots: the least recently
 * used slot is overwritten when a new set is needed, and memory stays bounded however often versions change.
 */
export class PreparsedSlots {
  private readonly slots = new Map<string, string>();
  private readonly free: string[] = [];
  private next = 0;

  constructor(
    private readonly kind: 'policies' | 'schema',
    private readonly capacity: number,
    private readonly prefix = `jit-${kind}-${process.pid}-`,
  ) {}

  /** The slot name holding the set for `key`, parsing it with `build()` on a miss. */
  acquire(key: string, build: () => PreparsedValue): string {
    const hit = this.slots.get(key);
    if (hit !== undefined) {
      this.slots.delete(key);
      this.slots.set(key, hit);
      return hit;
    }
    let slot: string;
    if (this.slots.size >= this.capacity) {
      const [oldestKey, oldestSlot] = this.slots.entries().next().value as [string, string];
      this.slots.delete(oldestKey);
      slot = oldestSlot;
    } else {
      slot = this.free.pop() ?? `${this.prefix}${this.next++}`;
    }
    const answer =
      this.kind === 'policies'
        ? cedar.preparsePolicySet(slot, build() as cedar.PolicySet)
        : cedar.preparseSchema(slot, build() as cedar.Schema);
    if (answer.type === 'failure') {
      // A failed parse leaves the slot as it was; it is only handed out again to be overwritten.
      this.free.push(slot);
      throw new Error(`Cedar could not parse a stored ${this.kind}: ${cedarMessages(answer.errors).join('; ')}`);
    }
    this.slots.set(key, slot);
    return slot;
  }

  get size(): number {
    return this.slots.size;
  }
}
