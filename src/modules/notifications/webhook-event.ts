import { createHash } from 'node:crypto';
import { GrantRecord, GrantView, toGrantView } from '@/modules/grants/grant.types';
import { ChannelEvent, occurredAt } from './notification-plan';

export interface WebhookEvent {
  /** The same for every delivery and retry of this event, so receivers can deduplicate. */
  id: string;
  type: ChannelEvent;
  occurred_at: string;
  tenant_id: string;
  grant: GrantView;
}

/** A UUID-shaped id derived from the grant and the event (each event happens at most once per grant). */
export function webhookEventId(grantId: string, event: ChannelEvent): string {
  const hex = createHash('sha256').update(`${grantId}:${event}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The JSON body; the grant is as it is when the delivery runs. */
export function webhookEvent(grant: GrantRecord, event: ChannelEvent): WebhookEvent {
  return {
    id: webhookEventId(grant.id, event),
    type: event,
    occurred_at: occurredAt(grant, event).toISOString(),
    tenant_id: grant.tenantId,
    grant: toGrantView(grant),
  };
}
