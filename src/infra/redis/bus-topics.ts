import type { EntityUid } from '@/infra/cedar/cedar-types';

/** What the access cache needs to apply a grant change without reading the database. */
export interface GrantChangeMessage {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  /** A grant status (grant-state.ts); checked by the receiver, since it comes over the wire. */
  status: string;
  expires_at: string | null;
  audit_session: boolean;
}

/**
 * The one map of invalidation topics to the payload each carries (`id` names the changed object). Publishers and
 * listeners are typed against it (InvalidationBus.publish / on).
 */
export interface BusTopics {
  /** A grant changed: `id` is the grant. */
  grant: { id: string; data: GrantChangeMessage };
  /** The tenant's policy set changed (policies, rules, entities, schema). */
  'policy-set': { id?: undefined; data?: undefined };
  /** An API key was revoked: `id` is the key. */
  'api-key': { id: string; data?: undefined };
  /** The tenant's identity providers changed: `id` is the provider. */
  'identity-provider': { id: string; data?: undefined };
  /** An IP went over its failed-authentication budget (rate limits): `id` is the IP, blocked until `until` (ms). */
  'rate-limit-block': { id: string; data: { until: number } };
}

export type BusTopic = keyof BusTopics;

/** One message on the bus. */
export type BusMessage<T extends BusTopic = BusTopic> = { topic: T; tenantId: string } & BusTopics[T];

/** The topics, for checking messages that arrive over the wire. */
export const BUS_TOPICS_CHECK: readonly BusTopic[] = ['grant', 'policy-set', 'api-key', 'identity-provider', 'rate-limit-block'];
