import type { AuthContext } from '@/common/auth/roles';
import type { Actor } from './audit-chain';

/**
 * The caller as audit events name it: a person `{type: person, id: <provider>/<sub>, email}`; a key `{type: api_key,
 * id: <key id>}`, with its subject's email when bound, or with `asserted` (the email a service key vouches for).
 */
export const keyActor = (auth: AuthContext, asserted?: string | null): Actor => {
  if (auth.person) return { type: 'person', id: `${auth.person.provider}/${auth.person.sub}`, email: auth.person.email };
  const email = auth.subjectEmail ?? asserted ?? null;
  return { type: 'api_key', id: auth.keyId, ...(email !== null && { email }) };
};
export const operatorActor: Actor = { type: 'system', id: 'operator' };
export const systemActor: Actor = { type: 'system', id: null };
export const approverActor = (email: string): Actor => ({ type: 'approver', id: email, email });
/** A decision through an approval link after the approver signed in with their identity provider. */
export const signedInApproverActor = (provider: string, sub: string, email: string): Actor => ({ type: 'person', id: `${provider}/${sub}`, email });
