import type { EntityUid } from '@/infra/cedar/cedar-types';

export interface GrantBody {
  id: string;
  status: string;
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  duration_seconds: number;
  expires_at: string | null;
  ended_reason: string | null;
  notices?: string[];
  approval_deadline?: string | null;
}

export const uidText = (uid: EntityUid): string => `${uid.type}::${JSON.stringify(uid.id)}`;

/** One line per grant: id, status, who, what, until when. */
export const grantLine = (g: GrantBody): string =>
  `${g.id}  ${g.status.padEnd(16)}  ${uidText(g.principal)} ${uidText(g.action)} ${uidText(g.resource)}${g.expires_at ? `  until ${g.expires_at}` : ''}${g.ended_reason ? `  (${g.ended_reason})` : ''}`;

/** What a requester wants to know after asking or looking: the decision and the grant id. */
export function grantStatusLines(g: GrantBody): string[] {
  const lines = [`grant ${g.id}: ${g.status}`];
  if (g.status === 'active') lines.push(`access until ${g.expires_at}`);
  if (g.status === 'pending_approval') lines.push(`waiting for approval${g.approval_deadline ? ` until ${g.approval_deadline}` : ''}`);
  if (g.ended_reason) lines.push(`reason: ${g.ended_reason}`);
  for (const notice of g.notices ?? []) lines.push(`notice: ${notice}`);
  return lines;
}
