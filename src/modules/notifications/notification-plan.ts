import { isSelf, normalizeEmail } from '@/modules/approvals/approval-rules';
import type { GrantRecord } from '@/modules/grants/grant.types';

/** Events a channel can receive (the `event_filters` vocabulary). */
export type ChannelEvent =
  | 'grant.requested'
  | 'grant.approved'
  | 'grant.denied'
  | 'grant.activated'
  | 'grant.expired'
  | 'grant.revoked'
  | 'grant.cancelled'
  | 'grant.timed_out';

/** Outcomes the requester is emailed about. */
export type RequesterEvent = 'grant.activated' | 'grant.denied' | 'grant.timed_out' | 'grant.revoked' | 'grant.expired';

export interface TransitionPlan {
  /** Channel events, in the order they happened. */
  channelEvents: ChannelEvent[];
  /** Approvers to send a personal link to (and remind), when the request now waits for them. */
  approvers: string[];
  requesterEvent: RequesterEvent | null;
  /** Whether the "expiring soon" notice is to be (re)scheduled. */
  scheduleExpiryNotice: boolean;
}

const REQUESTER_EVENTS: readonly string[] = ['grant.activated', 'grant.timed_out', 'grant.revoked', 'grant.expired'];

/** Everyone who may decide on the request: group members, once each, never the requester. */
export function approversOf(grant: GrantRecord): string[] {
  const members = new Set(grant.approvalGroups.flatMap((group) => group.members.map(normalizeEmail)));
  const self = { requesterEmail: grant.requesterEmail, principalId: grant.principal.id };
  return [...members].filter((email) => email !== '' && !isSelf(self, email)).sort();
}

/**
 * What a committed transition sends. `event` is what GrantTransitions reports: a new request reports
 * `grant.requested` (pending), `grant.activated` or `grant.denied` (decided at once, so without approvals).
 */
export function planTransition(grant: GrantRecord, event: string): TransitionPlan {
  const decidedByApprover = grant.approvals.length > 0;
  const isNew = event === 'grant.requested' || ((event === 'grant.activated' || event === 'grant.denied') && !decidedByApprover);
  const channelEvents: ChannelEvent[] = [];
  if (isNew) channelEvents.push('grant.requested');
  if (event === 'grant.activated' && decidedByApprover) channelEvents.push('grant.approved');
  if (event !== 'grant.requested' && event !== 'grant.extended') channelEvents.push(event as ChannelEvent);

  let requesterEvent: RequesterEvent | null = null;
  if (REQUESTER_EVENTS.includes(event)) requesterEvent = event as RequesterEvent;
  // A request denied by policy was answered 403 right away; only an approver's denial needs telling.
  if (event === 'grant.denied' && decidedByApprover) requesterEvent = 'grant.denied';

  return {
    channelEvents,
    approvers: event === 'grant.requested' && grant.status === 'pending_approval' ? approversOf(grant) : [],
    requesterEvent: grant.requesterEmail ? requesterEvent : null,
    scheduleExpiryNotice: (event === 'grant.activated' || event === 'grant.extended') && grant.status === 'active',
  };
}

/**
 * When to tell the requester that access is about to end: `leadSeconds` before expiry, or null when the whole
 * window is no longer than the lead (the activation email already says when it ends).
 */
export function expiryNoticeAt(grant: GrantRecord, leadSeconds: number, now: Date): Date | null {
  if (!grant.expiresAt || !grant.activatedAt || leadSeconds <= 0) return null;
  if (grant.expiresAt.getTime() - grant.activatedAt.getTime() <= leadSeconds * 1000) return null;
  if (grant.expiresAt <= now) return null;
  return new Date(Math.max(now.getTime(), grant.expiresAt.getTime() - leadSeconds * 1000));
}

/** When an event happened, from the grant itself, so every retry of a delivery carries the same time. */
export function occurredAt(grant: GrantRecord, event: ChannelEvent): Date {
  switch (event) {
    case 'grant.requested':
      return grant.createdAt;
    case 'grant.approved':
    case 'grant.activated':
      return grant.activatedAt ?? grant.createdAt;
    default:
      return grant.endedAt ?? grant.createdAt;
  }
}
