import type { CedarEntity, EntityUid } from '@/infra/cedar/cedar-types';

/** A signed-in person as decisions see them (PRODUCT.md section 16): from the token, never from the caller's body. */
export interface RequestIdentity {
  /** The identity provider's name. */
  provider: string;
  /** Lower-cased. */
  email: string;
  name: string | null;
  groups: string[];
  amr: string[];
  /** Seconds since the epoch, or null when the token did not say. */
  authTime: number | null;
}

export const PERSON_TYPE = 'User';
export const GROUP_TYPE = 'IdpGroup';

/** `User::"<email>"`: the principal a person's token stands for. */
export const personUid = (email: string): EntityUid => ({ type: PERSON_TYPE, id: email });

/** `IdpGroup::"<provider>/<group>"` for each of the person's groups. */
export const groupUids = (identity: RequestIdentity): EntityUid[] => identity.groups.map((group) => ({ type: GROUP_TYPE, id: `${identity.provider}/${group}` }));

/** True when `principal` is the person the identity names (only then do the token's attributes apply). */
export const isPerson = (principal: EntityUid, identity: RequestIdentity | null | undefined): identity is RequestIdentity =>
  identity !== null && identity !== undefined && principal.type === PERSON_TYPE && principal.id === identity.email;

/**
 * The person's entity for one decision: the stored `User::"<email>"` entity, if any, with the token's attributes
 * (`email`, `name`, `groups`) over its own and its parents plus the token's `IdpGroup` parents. The token wins
 * where both say something: it is what the identity provider asserts now.
 */
export function personEntity(identity: RequestIdentity, stored: CedarEntity | undefined): CedarEntity {
  const parents = [...(stored?.parents ?? [])];
  for (const group of groupUids(identity)) {
    if (!parents.some((p) => p.type === group.type && p.id === group.id)) parents.push(group);
  }
  return {
    uid: personUid(identity.email),
    attrs: { ...(stored?.attrs ?? {}), email: identity.email, ...(identity.name !== null && { name: identity.name }), groups: identity.groups },
    parents,
  };
}

/** `context.identity`: the provider, `amr` and `auth_time` (omitted when the token had none: Cedar has no null). */
export const identityContext = (identity: RequestIdentity): Record<string, unknown> => ({
  provider: identity.provider,
  amr: identity.amr,
  ...(identity.authTime !== null && { auth_time: identity.authTime }),
});
