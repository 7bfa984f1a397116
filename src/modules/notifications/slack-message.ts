/** Slack Block Kit payloads for an incoming webhook. Pure: the caller posts them with http-sender. */

export interface EntityRef {
  type: string;
  id: string;
}

export interface SlackApproverLink {
  approverEmail: string;
  url: string;
}

export interface SlackRequest {
  grantId: string;
  principal: EntityRef;
  requesterEmail: string | null;
  action: EntityRef;
  resource: EntityRef;
  durationSeconds: number;
  justification: string | null;
  policyName: string;
  approvers: SlackApproverLink[];
  /** Set for an extension of an active grant: the seconds asked for. */
  extensionSeconds?: number;
}

export type SlackOutcome =
  | 'approved'
  | 'denied'
  | 'activated'
  | 'expiring_soon'
  | 'expired'
  | 'revoked'
  | 'cancelled'
  | 'timed_out'
  | 'extended'
  | 'extension_denied'
  | 'extension_timed_out';

export interface SlackOutcomeUpdate {
  grantId: string;
  principal: EntityRef;
  action: EntityRef;
  resource: EntityRef;
  outcome: SlackOutcome;
  /** Who decided or ended it (an approver's email, "system"), if anyone. */
  by?: string | null;
  comment?: string | null;
  expiresAt?: Date | null;
}

type Text = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[]; accessory?: SlackButton }
  | { type: 'context'; elements: Text[] };
export interface SlackButton {
  type: 'button';
  text: Text;
  url: string;
  action_id: string;
}
export interface SlackPayload {
  /** Notification and fallback text. */
  text: string;
  blocks: SlackBlock[];
}

// Slack allows 50 blocks per message and 3000 characters per text; escaping can grow text five-fold.
const MAX_APPROVER_BLOCKS = 40;

/** Slack's mrkdwn control characters: user text can then neither link, mention (`<!channel>`) nor break markup. */
export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escaped, after cutting the raw text to `max` characters. */
const safe = (text: string, max = 300): string => escapeMrkdwn(text.length > max ? `${text.slice(0, max - 1)}…` : text);

const entity = (ref: EntityRef): string => safe(`${ref.type}::"${ref.id}"`);

export function formatDuration(seconds: number): string {
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

const mrkdwn = (text: string): Text => ({ type: 'mrkdwn', text });

export function slackRequestMessage(request: SlackRequest): SlackPayload {
  const principal = entity(request.principal);
  const who = request.requesterEmail ? `${principal} (${safe(request.requesterEmail)})` : principal;
  const shown = request.approvers.slice(0, MAX_APPROVER_BLOCKS);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: request.extensionSeconds ? 'Extension awaiting approval' : 'Access request awaiting approval' } },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Who*\n${who}`),
        mrkdwn(`*Action*\n${entity(request.action)}`),
        mrkdwn(`*Resource*\n${entity(request.resource)}`),
        mrkdwn(
          request.extensionSeconds
            ? `*Extension*\n${formatDuration(request.extensionSeconds)} more (granted so far: ${formatDuration(request.durationSeconds)})`
            : `*Duration*\n${formatDuration(request.durationSeconds)}`,
        ),
        mrkdwn(`*Policy*\n${safe(request.policyName)}`),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(`*Justification*\n${request.justification ? safe(request.justification, 500) : '_none given_'}`),
    },
    ...shown.map(
      (approver, index): SlackBlock => ({
        type: 'section',
        text: mrkdwn(`Personal link of *${safe(approver.approverEmail)}*: approve or deny`),
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: 'Review request' },
          url: approver.url,
          action_id: `review-${index}`,
        },
      }),
    ),
    { type: 'context', elements: [mrkdwn(`Grant ${safe(request.grantId)}`)] },
  ];
  if (request.approvers.length > shown.length) {
    const more = request.approvers.length - shown.length;
    blocks.push({ type: 'context', elements: [mrkdwn(`${more} more approver(s) received their link by email only.`)] });
  }
  return {
    text: `Access request: ${who} asks for ${entity(request.action)} on ${entity(request.resource)}`,
    blocks,
  };
}

const HEADLINES: Record<SlackOutcome, string> = {
  approved: ':white_check_mark: Request approved',
  denied: ':no_entry: Request denied',
  activated: ':unlock: Access granted',
  expiring_soon: ':hourglass_flowing_sand: Access expiring soon',
  expired: ':lock: Access expired',
  revoked: ':lock: Access revoked',
  cancelled: ':heavy_multiplication_x: Request cancelled',
  timed_out: ':alarm_clock: Request timed out without approval',
  extended: ':unlock: Access extended',
  extension_denied: ':no_entry: Extension denied',
  extension_timed_out: ':alarm_clock: Extension timed out without approval',
};

/** A follow-up to the request message (incoming webhooks cannot edit what they posted). */
export function slackOutcomeMessage(update: SlackOutcomeUpdate): SlackPayload {
  const subject = `${entity(update.principal)}: ${entity(update.action)} on ${entity(update.resource)}`;
  const lines = [`*${HEADLINES[update.outcome]}*`, subject];
  if (update.by) lines.push(`By ${safe(update.by)}`);
  if (update.comment) lines.push(`> ${safe(update.comment, 500).replace(/\n/g, '\n> ')}`);
  if (update.expiresAt) lines.push(`Until ${update.expiresAt.toISOString()}`);
  return {
    text: `${HEADLINES[update.outcome]}: ${subject}`,
    blocks: [
      { type: 'section', text: mrkdwn(lines.join('\n')) },
      { type: 'context', elements: [mrkdwn(`Grant ${safe(update.grantId)}`)] },
    ],
  };
}
