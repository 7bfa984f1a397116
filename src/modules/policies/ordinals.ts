import { conflict, DomainError } from '@/common/errors/domain-error';

/**
 * Ordinals for new rules: explicit ones must be free (in the policy and among themselves); omitted ones take the
 * next free numbers after the highest in use, in the order given.
 */
export function assignOrdinals(requested: (number | undefined)[], taken: Iterable<number>, prefix = (i: number) => `rules[${i}].`): number[] {
  const used = new Set(taken);
  requested.forEach((ordinal, index) => {
    if (ordinal === undefined) return;
    if (used.has(ordinal)) throw duplicate(ordinal, `${prefix(index)}ordinal`);
    used.add(ordinal);
  });
  let next = used.size === 0 ? 1 : Math.max(...used) + 1;
  return requested.map((ordinal) => ordinal ?? next++);
}

export const duplicate = (ordinal: number, field: string): DomainError =>
  conflict(`ordinal ${ordinal} is already used by another rule of the policy`, { field, ordinal });
