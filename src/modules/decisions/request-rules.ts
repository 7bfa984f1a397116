import { normalizeIpAddress } from '@/common/net/ip-ranges';
import { invalidInput } from '@/common/errors/domain-error';
import type { GoverningPolicy } from './decision.types';

/** Requested duration, else the policy's default, else its maximum; above the maximum is refused, never clamped. */
export function effectiveDuration(requested: number | undefined, policy: GoverningPolicy): number {
  const duration = requested ?? policy.defaultDurationSeconds ?? policy.maxDurationSeconds;
  if (duration > policy.maxDurationSeconds) {
    throw invalidInput(`duration_seconds exceeds the policy maximum of ${policy.maxDurationSeconds}`, {
      field: 'duration_seconds',
      max_duration_seconds: policy.maxDurationSeconds,
    });
  }
  return duration;
}

/**
 * Characters that leave no visible mark: white space, controls, format characters (Unicode category Cf: zero-width
 * space and joiners, bidi marks, soft hyphen...), default-ignorable code points (variation selectors, Hangul
 * fillers, combining grapheme joiner, tags), the Braille blank, and lone surrogates.
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800]/gu;

/** True when nothing visible is left once invisible characters are removed (PRODUCT.md section 14). */
export const isBlank = (text: string | null | undefined): boolean => (text ?? '').replace(INVISIBLE, '') === '';

/** A justification the governing policy requires must say something visible; `details.prompt` asks for it. */
export function checkJustification(justification: string | undefined | null, policy: GoverningPolicy): void {
  if (policy.purposeJustificationRequired && isBlank(justification)) {
    throw invalidInput('justification is required by the governing policy', {
      field: 'justification',
      prompt: policy.purposeJustificationPrompt ?? 'Why do you need this access?',
    });
  }
}

/**
 * Context keys the service always sets (and `extension` on extensions, `identity` for a signed-in requester: see
 * person-entity.ts); a caller's own value for them is dropped.
 */
export const RESERVED_CONTEXT_KEYS = ['duration_seconds', 'justification', 'requested_at', 'extension', 'identity'] as const;

/**
 * The Cedar context: the caller's keys, with the reserved ones set by the service. `extension: true` only on the
 * evaluation of an extension (its duration is then the new total), so schemas need not declare it otherwise.
 */
export function buildContext(
  caller: Record<string, unknown> | undefined,
  durationSeconds: number,
  justification: string | undefined | null,
  requestedAt: Date,
  extension = false,
  identity: Record<string, unknown> | null = null,
): Record<string, unknown> {
  const reserved: readonly string[] = RESERVED_CONTEXT_KEYS;
  const own = Object.fromEntries(Object.entries(caller ?? {}).filter(([key]) => !reserved.includes(key)));
  // Access `ip` selectors (PRODUCT.md section 15): an IPv4-mapped IPv6 address is the IPv4 address it maps.
  if (typeof own.ip === 'string') own.ip = normalizeIpAddress(own.ip);
  return {
    ...own,
    duration_seconds: durationSeconds,
    justification: justification ?? '',
    requested_at: requestedAt.toISOString(),
    ...(extension && { extension: true }),
    ...(identity !== null && { identity }),
  };
}
