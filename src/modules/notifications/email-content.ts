import type { MailMessage } from '@/infra/mail/mailer.service';
import type { ExtensionRecord, GrantRecord } from '@/modules/grants/grant.types';
import type { ChannelEvent, RequesterEvent } from './notification-plan';
import { formatDuration } from './slack-message';

export type EmailContent = Omit<MailMessage, 'to'>;

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** One line of user text for a subject or a plain-text body: no line breaks, bounded length. */
const oneLine = (text: string, max = 120): string => {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const entity = (ref: { type: string; id: string }): string => `${ref.type}::"${ref.id}"`;
const what = (grant: GrantRecord): string => `${entity(grant.action)} on ${entity(grant.resource)}`;

interface Fact {
  label: string;
  value: string;
}

const facts = (grant: GrantRecord): Fact[] => [
  { label: 'Who', value: grant.requesterEmail ? `${entity(grant.principal)} (${grant.requesterEmail})` : entity(grant.principal) },
  { label: 'Action', value: entity(grant.action) },
  { label: 'Resource', value: entity(grant.resource) },
  { label: 'Duration', value: formatDuration(grant.durationSeconds) },
  { label: 'Justification', value: grant.justification ?? '(none given)' },
  { label: 'Grant', value: grant.id },
];

/** Text and HTML of the same message; every value is escaped in the HTML, and the link is an attribute-safe URL. */
function render(subject: string, intro: string, grant: GrantRecord, extra: Fact[] = [], link?: { label: string; url: string }): EmailContent {
  const rows = [...facts(grant), ...extra];
  const text = [
    intro,
    '',
    ...rows.map((row) => `${row.label}: ${row.value}`),
    ...(link ? ['', `${link.label}: ${link.url}`] : []),
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(intro)}</p>`,
    '<table>',
    ...rows.map((row) => `<tr><th align="left">${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td></tr>`),
    '</table>',
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    '</body></html>',
  ].join('\n');
  return { subject: oneLine(subject, 200), text, html };
}

export interface ApproverLink {
  url: string;
  expiresAt: Date;
}

/**
 * The personal link, first sent or as a reminder; either way the newest email's link is the one that works. With
 * `extension`, the link decides that extension of the active grant.
 */
export function approverEmail(grant: GrantRecord, link: ApproverLink, reminder: boolean, extension: ExtensionRecord | null = null): EmailContent {
  const who = oneLine(grant.requesterEmail ?? entity(grant.principal), 80);
  const asks = extension ? `asks for ${formatDuration(extension.addedSeconds)} more of` : 'requests';
  const subject = `${reminder ? 'Reminder: approval' : 'Approval'} needed: ${who} ${asks} ${oneLine(what(grant))}`;
  const thing = extension ? 'extension' : 'request';
  const intro = reminder
    ? `This ${thing} is still waiting for your decision. Use the link below: links in earlier emails no longer work.`
    : extension
      ? `An extension of active access is waiting for your decision: ${formatDuration(extension.addedSeconds)} more after ${grant.expiresAt?.toISOString() ?? 'its current end'}.`
      : 'An access request is waiting for your decision.';
  const extra = [
    ...(extension ? [{ label: 'Reason for more time', value: extension.justification ?? '(none given)' }] : []),
    { label: 'Link valid until', value: link.expiresAt.toISOString() },
  ];
  return render(subject, intro, grant, extra, { label: `Review the ${thing} (personal link, single use)`, url: link.url });
}

const REQUESTER_TEXT: Record<RequesterEvent, { subject: string; intro: (grant: GrantRecord) => string }> = {
  'grant.activated': {
    subject: 'Access granted',
    intro: (grant) => `Your access is active until ${grant.expiresAt?.toISOString() ?? 'further notice'}.`,
  },
  'grant.denied': { subject: 'Access request denied', intro: () => 'Your access request was denied.' },
  'grant.timed_out': { subject: 'Access request timed out', intro: () => 'Your access request was not approved in time.' },
  'grant.revoked': { subject: 'Access revoked', intro: () => 'Your access was revoked.' },
  'grant.expired': { subject: 'Access expired', intro: () => 'Your access has ended.' },
};

const decisions = (grant: GrantRecord): Fact[] =>
  grant.approvals.map((approval) => ({
    label: approval.decision === 'approve' ? 'Approved by' : 'Denied by',
    value: approval.comment ? `${approval.approverEmail}: ${approval.comment}` : approval.approverEmail,
  }));

export function requesterEmail(grant: GrantRecord, event: RequesterEvent): EmailContent {
  const text = REQUESTER_TEXT[event];
  const ended = grant.endedReason ? [{ label: 'Reason', value: grant.endedReason }] : [];
  return render(`${text.subject}: ${oneLine(what(grant))}`, text.intro(grant), grant, [...decisions(grant), ...ended]);
}

export function expiringSoonEmail(grant: GrantRecord): EmailContent {
  const until = grant.expiresAt?.toISOString() ?? '';
  return render(`Access expiring soon: ${oneLine(what(grant))}`, `Your access ends at ${until}. Request an extension if you still need it.`, grant);
}

const CHANNEL_HEADLINES: Record<ChannelEvent, string> = {
  'grant.requested': 'Access requested',
  'grant.approved': 'Access request approved',
  'grant.denied': 'Access request denied',
  'grant.activated': 'Access granted',
  'grant.expired': 'Access expired',
  'grant.revoked': 'Access revoked',
  'grant.cancelled': 'Access request cancelled',
  'grant.timed_out': 'Access request timed out',
  'grant.extension_requested': 'Extension requested',
  'grant.extended': 'Access extended',
  'grant.extension_denied': 'Extension denied',
  'grant.extension_timed_out': 'Extension timed out',
};

/** What an email channel's addresses receive: a summary without personal links (approvers get their own). */
export function channelEmail(grant: GrantRecord, event: ChannelEvent): EmailContent {
  const headline = CHANNEL_HEADLINES[event];
  const status = [{ label: 'Status', value: grant.status }, ...decisions(grant)];
  return render(`${headline}: ${oneLine(what(grant))}`, `${headline} (${event}).`, grant, status);
}
