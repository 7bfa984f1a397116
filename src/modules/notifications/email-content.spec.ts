import type { GrantRecord } from '@/modules/grants/grant.types';
import { approverEmail, channelEmail, escapeHtml, requesterEmail } from './email-content';
import { webhookEvent, webhookEventId } from './webhook-event';

const EVIL = '<script>alert("x")</script> & \'co\'\r\nBcc: x@evil.example';

const grant = {
  id: 'g1',
  tenantId: 't1',
  status: 'active',
  principal: { type: 'User', id: EVIL },
  action: { type: 'Action', id: 'ssh' },
  resource: { type: 'Host', id: EVIL },
  durationSeconds: 5400,
  justification: EVIL,
  requesterEmail: 'alice@example.com',
  context: {},
  policyId: null,
  determiningRuleIds: [],
  notices: [],
  auditSession: false,
  policySetVersion: null,
  approvalGroups: [],
  maxDurationSeconds: null,
  approvalDeadline: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  activatedAt: new Date('2026-01-01T00:01:00Z'),
  expiresAt: new Date('2026-01-01T01:31:00Z'),
  endedAt: null,
  endedReason: null,
  approvals: [{ approverEmail: 'bob@example.com', decision: 'approve', comment: EVIL, decidedAt: new Date('2026-01-01T00:01:00Z') }],
  extensions: [],
} satisfies GrantRecord;

describe('email content', () => {
  const messages = [
    approverEmail(grant, { url: 'https://jit.example.com/approvals/tok"en', expiresAt: new Date('2026-01-02T00:00:00Z') }, false),
    approverEmail(grant, { url: 'https://jit.example.com/approvals/t', expiresAt: new Date('2026-01-02T00:00:00Z') }, true),
    requesterEmail(grant, 'grant.activated'),
    channelEmail(grant, 'grant.approved'),
  ];

  it('escapes every user value in HTML and keeps the text part readable', () => {
    for (const message of messages) {
      expect(message.html).not.toMatch(/<script|alert\("x"\)|'co'/);
      expect(message.html).toContain(escapeHtml(EVIL));
      expect(message.text).toContain(EVIL);
    }
    expect(messages[0].html).toContain('href="https://jit.example.com/approvals/tok&quot;en"');
  });

  it('has one-line subjects that say what happened', () => {
    for (const message of messages) expect(message.subject).not.toMatch(/[\r\n]/);
    expect(messages.map((m) => m.subject.split(':')[0])).toEqual(['Approval needed', 'Reminder', 'Access granted', 'Access request approved']);
    expect(messages[2].text).toContain('active until 2026-01-01T01:31:00.000Z');
    expect(messages[0].text).toContain('https://jit.example.com/approvals/tok"en');
  });
});

describe('webhook event', () => {
  it('has a stable id per grant and event, and the time the event happened', () => {
    const event = webhookEvent(grant, 'grant.activated', null);
    expect(event).toMatchObject({ type: 'grant.activated', tenant_id: 't1', occurred_at: '2026-01-01T00:01:00.000Z', grant: { id: 'g1', status: 'active' } });
    expect(event.id).toBe(webhookEventId('g1', 'grant.activated'));
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(webhookEventId('g1', 'grant.approved')).not.toBe(event.id);
  });
});
