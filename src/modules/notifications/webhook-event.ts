import { createHash } from 'node:crypto';
import type { ChainedEvent } from '@/modules/audit/audit-chain';
import type { GrantRecord } from '@/modules/grants/grant.types';
import { GrantView, toGrantView } from '@/modules/grants/grant-view';
import type { ChannelEvent } from './notification-plan';

/** `access_remains`: the live grant that still covers the same principal, action and resource, or null. */
export interface AccessRemains {
  grant_id: string;
  expires_at: string;
}

export interface WebhookEvent {
  /** The same for every delivery and retry of this event, so receivers can deduplicate. */
  id: string;
  type: ChannelEvent;
  occurred_at: string;
  tenant_id: string;
  /** The grant as it was at the event (PRODUCT.md section 14). */
  grant: GrantView;
  /** On events that end a grant: whether access to the same triple remains through another grant. */
  access_remains?: AccessRemains | null;
}

const uuidShaped = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;

/**
 * A UUID-shaped id derived from the grant and the event, for events that happen at most once per grant, or from
 * the audit event for those that can repeat (extensions).
 */
export function webhookEventId(grantId: string, event: ChannelEvent, auditEventId?: string | null): string {
  const repeatable = event.startsWith('grant.exten');
  const source = repeatable && auditEventId ? `${grantId}:${event}:${auditEventId}` : `${grantId}:${event}`;
  return uuidShaped(createHash('sha256').update(source).digest('hex'));
}

/**
 * The JSON body. With the event's audit event, the grant is the snapshot stored with it, so a late delivery shows
 * the grant as it was; without one (a change recorded before snapshots existed), the grant as it is now.
 */
export function webhookEvent(grant: GrantRecord, event: ChannelEvent, audited: ChainedEvent | null): WebhookEvent {
  const data = (audited?.data ?? {}) as { grant?: GrantView; access_remains?: AccessRemains | null };
  const shown = data.grant ?? toGrantView(grant);
  return {
    id: webhookEventId(grant.id, event, audited?.id),
    type: event,
    occurred_at: occurredAt(shown, event, audited?.occurredAt ?? new Date()),
    tenant_id: grant.tenantId,
    grant: shown,
    ...('access_remains' in data && { access_remains: data.access_remains ?? null }),
  };
}

/** When the event happened, from the grant where it records it (so every retry carries the same time). */
function occurredAt(grant: GrantView, event: ChannelEvent, audited: Date): string {
  switch (event) {
    case 'grant.requested':
      return grant.created_at;
    case 'grant.approved':
    case 'grant.activated':
      return grant.activated_at ?? grant.created_at;
    case 'grant.denied':
    case 'grant.cancelled':
    case 'grant.timed_out':
    case 'grant.expired':
    case 'grant.revoked':
      return grant.ended_at ?? audited.toISOString();
    default:
      return audited.toISOString();
  }
}
