export const GRANT_STATUSES = ['pending_approval', 'active', 'denied', 'cancelled', 'timed_out', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export type GrantEvent = 'approve' | 'deny' | 'cancel' | 'time_out' | 'expire' | 'revoke' | 'extend';

/** PRODUCT.md section 6: which statuses each event may leave, and where it goes. */
const TRANSITIONS: Record<GrantEvent, { from: readonly GrantStatus[]; to: GrantStatus }> = {
  approve: { from: ['pending_approval'], to: 'active' },
  deny: { from: ['pending_approval'], to: 'denied' },
  cancel: { from: ['pending_approval'], to: 'cancelled' },
  time_out: { from: ['pending_approval'], to: 'timed_out' },
  expire: { from: ['active'], to: 'expired' },
  revoke: { from: ['active', 'pending_approval'], to: 'revoked' },
  extend: { from: ['active'], to: 'active' },
};

export const TERMINAL: readonly GrantStatus[] = ['denied', 'cancelled', 'timed_out', 'expired', 'revoked'];

export function allowedFrom(event: GrantEvent): readonly GrantStatus[] {
  return TRANSITIONS[event].from;
}

/** The status after `event`, or null when the event is not allowed from `status`. */
export function nextStatus(status: GrantStatus, event: GrantEvent): GrantStatus | null {
  const transition = TRANSITIONS[event];
  return transition.from.includes(status) ? transition.to : null;
}

export const isTerminal = (status: GrantStatus): boolean => TERMINAL.includes(status);

/** Audit action and webhook event name of a transition. */
export function eventName(event: GrantEvent): string {
  const names: Record<GrantEvent, string> = {
    approve: 'grant.activated',
    deny: 'grant.denied',
    cancel: 'grant.cancelled',
    time_out: 'grant.timed_out',
    expire: 'grant.expired',
    revoke: 'grant.revoked',
    extend: 'grant.extended',
  };
  return names[event];
}

/** The event a new grant's effects run under: decided at once (activated, denied) or waiting for approvers. */
export function creationEvent(status: GrantStatus): string {
  if (status === 'active') return 'grant.activated';
  if (status === 'denied') return 'grant.denied';
  return 'grant.requested';
}
