import type { Envelope } from './envelope';
import type { AppView, GroupView, PolicyView } from './access-views';

/** Response types of the Cloudflare routes, one per operation kind (the envelope around the object). */
export type AccessGroupResponse = Envelope<GroupView>;
export type AccessGroupListResponse = Envelope<GroupView[]>;
export type AccessAppResponse = Envelope<AppView>;
export type AccessAppListResponse = Envelope<AppView[]>;
export type AccessPolicyResponse = Envelope<PolicyView>;
export type AccessPolicyListResponse = Envelope<PolicyView[]>;
export type DeletedResponse = Envelope<{ id: string }>;
