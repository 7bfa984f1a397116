import { createHash } from 'node:crypto';
import type { EntityUid } from '@/infra/cedar/cedar-types';
import type { ApprovalRecord } from '@/modules/grants/grant.types';
import type { GroupProgress } from './approval-rules';

export interface HtmlPage {
  status: number;
  html: string;
}

export interface RequestView {
  approverEmail: string;
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  requesterEmail: string | null;
  durationSeconds: number;
  justification: string | null;
  policy: { id: string; name: string | null } | null;
  createdAt: Date;
  approvalDeadline: Date | null;
  status: string;
  approvals: ApprovalRecord[];
  progress: GroupProgress[];
  /** Set when the link decides an extension of the active grant rather than the request. */
  extension: { addedSeconds: number; expiresAt: Date | null; justification: string | null } | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element content and in quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.45}' +
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}' +
  'textarea{width:100%;min-height:4rem;box-sizing:border-box}button{font-size:1rem;padding:.5rem 1.4rem;margin:.8rem .6rem 0 0;border:0;border-radius:4px;color:#fff;cursor:pointer}' +
  '.approve{background:#1a7f37}.deny{background:#cf222e}.note{color:#57606a}ul{padding-left:1.2rem}';

/** Headers of every approval page: nothing but the inline style may load, and the secret URL is never passed on. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const entity = (uid: EntityUid): string => `${uid.type}::${JSON.stringify(uid.id)}`;

export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  let rest = seconds;
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.length ? parts.join(' ') : '0 s';
}

function layout(title: string, body: string): string {
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">' +
    `<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

const row = (label: string, value: string): string => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`;

function details(view: RequestView): string {
  const policy = view.policy ? `${view.policy.name ?? '(deleted policy)'} (${view.policy.id})` : 'none';
  return (
    '<dl>' +
    row('Who', entity(view.principal)) +
    row('Requested by', view.requesterEmail ?? 'not given') +
    row('Action', entity(view.action)) +
    row('Resource', entity(view.resource)) +
    (view.extension
      ? row('Extension asked', `${formatDuration(view.extension.addedSeconds)} more (${view.extension.addedSeconds} seconds) after ${view.extension.expiresAt?.toISOString() ?? 'the current end'}`) +
        row('Granted so far', formatDuration(view.durationSeconds)) +
        row('Reason for more time', view.extension.justification ?? 'none given')
      : row('Duration', `${formatDuration(view.durationSeconds)} (${view.durationSeconds} seconds, from approval)`)) +
    row('Justification', view.justification ?? 'none given') +
    row('Policy', policy) +
    row('Requested at', view.createdAt.toISOString()) +
    (view.approvalDeadline ? row('Decide before', view.approvalDeadline.toISOString()) : '') +
    row('Status', view.status) +
    '</dl>'
  );
}

function decisions(view: RequestView): string {
  const groups = view.progress
    .map((g, i) => `<li>Group ${i + 1}: ${g.approvedBy.length} of ${g.approvalsNeeded} approvals${g.satisfied ? ' (satisfied)' : ''}</li>`)
    .join('');
  const decided = view.approvals
    .map((a) => {
      const comment = a.comment ? `: ${escapeHtml(a.comment)}` : '';
      return `<li>${escapeHtml(a.approverEmail)} ${a.decision === 'approve' ? 'approved' : 'denied'} at ${a.decidedAt.toISOString()}${comment}</li>`;
    })
    .join('');
  return `<h2>Decisions so far</h2><ul>${groups}</ul>${decided ? `<ul>${decided}</ul>` : '<p class="note">Nobody has decided yet.</p>'}`;
}

/** The request with Approve and Deny: a plain form posted back to the same URL, no script. */
export function renderRequestPage(view: RequestView): string {
  const form =
    '<form method="post"><label for="comment">Comment (optional)</label>' +
    '<textarea id="comment" name="comment" maxlength="2000"></textarea>' +
    '<button class="approve" type="submit" name="decision" value="approve">Approve</button>' +
    '<button class="deny" type="submit" name="decision" value="deny">Deny</button></form>';
  const intro = `<p>This personal link is for <strong>${escapeHtml(view.approverEmail)}</strong>. It works once.</p>`;
  return layout(view.extension ? 'Extension request' : 'Access request', intro + details(view) + decisions(view) + form);
}

/** Any page without a form: an outcome, a refusal, or a link that no longer works. */
export function renderMessagePage(title: string, message: string, view?: RequestView): string {
  return layout(title, `<p>${escapeHtml(message)}</p>${view ? details(view) + decisions(view) : ''}`);
}
