/**
 * The one vocabulary of grant events: each is an audit action (one audit event per occurrence), a webhook
 * `type` channels can subscribe to (`event_filters`), and a metric label. `grant.approved` is the exception: it
 * is sent with the `grant.activated` of a request that approvers activated, and has no audit event of its own
 * (the approvers' decisions are `approval.recorded` events).
 */
export const GRANT_EVENTS = [
  'grant.requested',
  'grant.approved',
  'grant.activated',
  'grant.denied',
  'grant.cancelled',
  'grant.timed_out',
  'grant.expired',
  'grant.revoked',
  'grant.extension_requested',
  'grant.extended',
  'grant.extension_denied',
  'grant.extension_timed_out',
] as const;
export type GrantEventName = (typeof GRANT_EVENTS)[number];

/** Events that end a grant: their bodies carry `access_remains` (PRODUCT.md section 14). */
export const ENDING_EVENTS: readonly GrantEventName[] = ['grant.denied', 'grant.cancelled', 'grant.timed_out', 'grant.expired', 'grant.revoked'];

export const endsGrant = (event: GrantEventName): boolean => ENDING_EVENTS.includes(event);
