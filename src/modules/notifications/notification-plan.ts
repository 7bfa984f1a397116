import { normalizeEmail } from '@/modules/email-lists/emails';
import { GrantApprovalGroup, isSelf } from '@/modules/decisions/approval-groups';
import type { GrantEventName } from '@/modules/grants/grant-events';
import type { GrantRecord } from '@/modules/grants/grant.types';

/** Events a channel can receive (the `event_filters` vocabulary): every grant event. */
export type ChannelEvent = GrantEventName;

/** Outcomes the requester is emailed about. */
export type RequesterEvent = 'grant.activated' | 'grant.denied' | 'grant.timed_out' | 'grant.revoked' | 'grant.expired';

export interface TransitionPlan {
  /** Channel events, in the order they happened. */
  channelEvents: ChannelEvent[];
  /** Approvers to send a personal link to (and remind), when a round now waits for them. */
  approvers: string[];
  /** The approval round the links decide: 0 for the request, n for the grant's extension of round n. */
  round: number;
  requesterEvent: RequesterEvent | null;
  /** Whether the "expiring soon" notice is to be (re)scheduled. */
  scheduleExpiryNotice: boolean;
}

const REQUESTER_EVENTS: readonly GrantEventName[] = ['grant.activated', 'grant.timed_out', 'grant.revoked', 'grant.expired'];

/** Everyone who may decide in these groups: members once each, never the requester. */
export function approversIn(grant: GrantRecord, groups: GrantApprovalGroup[]): string[] {
  const members = new Set(groups.flatMap((group) => group.members.map(normalizeEmail)));
  const self = { requesterEmail: grant.requesterEmail, principalId: grant.principal.id };
  return [...members].filter((email) => email !== '' && !isSelf(self, email)).sort();
}

/** Everyone who may decide on the request (round 0). */
export const approversOf = (grant: GrantRecord): string[] => approversIn(grant, grant.approvalGroups);

/** The approvers of approval round `round` (0: the request; n: the grant's extension of that round). */
export function approversOfRound(grant: GrantRecord, round: number): string[] {
  if (round === 0) return approversOf(grant);
  const extension = grant.extensions.find((e) => e.round === round);
  return extension ? approversIn(grant, extension.approvalGroups) : [];
}

/**
 * What one committed grant event sends (each event is its own change, see GrantEffects). A request denied by
 * policy when it was made was answered `403` at once, so only a request that waited (it has an approval deadline)
 * tells its requester that it was denied.
 */
export function planTransition(grant: GrantRecord, event: GrantEventName): TransitionPlan {
  const channelEvents: ChannelEvent[] = event === 'grant.activated' && grant.approvals.length > 0 ? ['grant.approved', event] : [event];
  const waited = grant.approvalDeadline !== null;
  let requesterEvent: RequesterEvent | null = REQUESTER_EVENTS.includes(event) ? (event as RequesterEvent) : null;
  if (event === 'grant.denied' && waited) requesterEvent = 'grant.denied';
  const extension = event === 'grant.extension_requested' ? grant.extensions.filter((e) => e.status === 'pending').at(-1) : undefined;
  const round = extension?.round ?? 0;
  const approvers =
    (event === 'grant.requested' && grant.status === 'pending_approval') || (extension !== undefined && grant.status === 'active') ? approversOfRound(grant, round) : [];
  return {
    channelEvents,
    approvers,
    round,
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
