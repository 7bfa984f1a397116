import type { GrantEventName } from './grant-events';

export const GRANT_STATUSES = ['pending_approval', 'active', 'denied', 'cancelled', 'timed_out', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** What can happen to an existing grant (state-machine events; their names as events are in grant-events.ts). */
export type GrantTransition = 'approve' | 'deny' | 'cancel' | 'time_out' | 'expire' | 'revoke' | 'extend';

/** PRODUCT.md section 6: which statuses each transition may leave, where it goes, and its event name. */
const TRANSITIONS: Record<GrantTransition, { from: readonly GrantStatus[]; to: GrantStatus; event: GrantEventName }> = {
  approve: { from: ['pending_approval'], to: 'active', event: 'grant.activated' },
  deny: { from: ['pending_approval'], to: 'denied', event: 'grant.denied' },
  cancel: { from: ['pending_approval'], to: 'cancelled', event: 'grant.cancelled' },
  time_out: { from: ['pending_approval'], to: 'timed_out', event: 'grant.timed_out' },
  expire: { from: ['active'], to: 'expired', event: 'grant.expired' },
  revoke: { from: ['active', 'pending_approval'], to: 'revoked', event: 'grant.revoked' },
  extend: { from: ['active'], to: 'active', event: 'grant.extended' },
};

/** Statuses a grant never leaves: the access cache, the outbox and the views all take "ended" from here. */
export const TERMINAL: readonly GrantStatus[] = ['denied', 'cancelled', 'timed_out', 'expired', 'revoked'];

export function allowedFrom(transition: GrantTransition): readonly GrantStatus[] {
  return TRANSITIONS[transition].from;
}

/** The status after `transition`, or null when it is not allowed from `status`. */
export function nextStatus(status: GrantStatus, transition: GrantTransition): GrantStatus | null {
  const t = TRANSITIONS[transition];
  return t.from.includes(status) ? t.to : null;
}

export const isTerminal = (status: GrantStatus): boolean => TERMINAL.includes(status);

/** Audit action and webhook event name of a transition. */
export const eventName = (transition: GrantTransition): GrantEventName => TRANSITIONS[transition].event;

/** The event of a new grant decided at once (activated or denied by policy), after its `grant.requested`. */
export function decidedAtCreation(status: GrantStatus): GrantEventName | null {
  if (status === 'active') return 'grant.activated';
  if (status === 'denied') return 'grant.denied';
  return null;
}
