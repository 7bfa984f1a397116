import type { AuthContext } from '@/common/auth/roles';
import { DomainError } from '@/common/errors/domain-error';
import type { EntityUid } from '@/infra/cedar/cedar-types';
import { normalizeEmail } from '@/modules/email-lists/emails';
import { PERSON_TYPE, RequestIdentity } from '@/modules/decisions/person-entity';

/** Who a request is for, as the caller may make it (PRODUCT.md section 16). */
export interface BoundRequest {
  principal: EntityUid;
  requesterEmail: string | null;
  identity: RequestIdentity | null;
}

/** The signed-in person as decisions see them, or null for a key. */
export const identityOf = (auth: AuthContext): RequestIdentity | null =>
  auth.person && { provider: auth.person.provider, email: auth.person.email, name: auth.person.name, groups: auth.person.groups, amr: auth.person.amr, authTime: auth.person.authTime };

/**
 * A caller bound to a person (a person's token, or a key with `subject_email`) requests only for that person:
 * the principal is `User::"<email>"` when left out and must be that when given, and `requester_email`, if given,
 * that email; otherwise `403 forbidden`. A service key requests for whoever it names (README "Identity") and must
 * name a principal (`400 invalid_input`).
 */
export function bindRequester(auth: AuthContext, principal: EntityUid | undefined, requesterEmail: string | undefined): BoundRequest {
  const subject = auth.subjectEmail;
  if (subject === null) {
    if (principal === undefined) throw new DomainError('invalid_input', 'principal is required with a service key', { field: 'principal' });
    return { principal, requesterEmail: requesterEmail === undefined ? null : normalizeEmail(requesterEmail), identity: null };
  }
  if (principal !== undefined && (principal.type !== PERSON_TYPE || normalizeEmail(principal.id) !== subject || principal.id !== principal.id.trim())) {
    throw new DomainError('forbidden', `You may request only for yourself: principal must be ${PERSON_TYPE}::"${subject}"`, { field: 'principal' });
  }
  if (requesterEmail !== undefined && normalizeEmail(requesterEmail) !== subject) {
    throw new DomainError('forbidden', `You may request only for yourself: requester_email must be ${subject} or left out`, { field: 'requester_email' });
  }
  return { principal: { type: PERSON_TYPE, id: subject }, requesterEmail: subject, identity: identityOf(auth) };
}

/** A bound caller decides only as themselves: `approver_email`, if given, must be theirs (`403 forbidden`). */
export function bindApprover(auth: AuthContext, approverEmail: string | undefined): string {
  const subject = auth.subjectEmail;
  if (subject === null) {
    if (approverEmail === undefined) throw new DomainError('invalid_input', 'approver_email is required with a service key', { field: 'approver_email' });
    return normalizeEmail(approverEmail);
  }
  if (approverEmail !== undefined && normalizeEmail(approverEmail) !== subject) {
    throw new DomainError('forbidden', `You may decide only as yourself: approver_email must be ${subject} or left out`, { field: 'approver_email' });
  }
  return subject;
}

/** True when the grant is the person's: they asked for it, or it is for `User::"<their email>"`. */
export const isOwnGrant = (email: string, grant: { requesterEmail: string | null; principal: EntityUid }): boolean =>
  grant.requesterEmail === email || (grant.principal.type === PERSON_TYPE && normalizeEmail(grant.principal.id) === email);

/**
 * Acting on a grant as its requester (cancel, release, extend): a bound caller only on their own grants; admins and
 * service keys (a trusted portal that checked its user) on any (`403 forbidden` otherwise).
 */
export function assertMayActOn(auth: AuthContext, grant: { requesterEmail: string | null; principal: EntityUid }): void {
  if (auth.subjectEmail === null || auth.roles.includes('admin')) return;
  if (!isOwnGrant(auth.subjectEmail, grant)) throw new DomainError('forbidden', 'This is not your grant');
}

/** The caller as a person; `403 forbidden` for a service key, which is nobody in particular. */
export function bound(auth: AuthContext): AuthContext & { subjectEmail: string } {
  if (auth.subjectEmail === null) throw new DomainError('forbidden', 'This call is for people: sign in, or use a key with subject_email');
  return auth as AuthContext & { subjectEmail: string };
}
