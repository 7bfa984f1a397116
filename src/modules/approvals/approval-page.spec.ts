import { createHash } from 'node:crypto';
import { escapeHtml, formatDuration, PAGE_HEADERS, renderMessagePage, renderRequestPage, RequestView } from './approval-page';

const hostile = `<script>alert("x")</script>&'`;

const view = (overrides: Partial<RequestView> = {}): RequestView => ({
  approverEmail: 'boss@example.com',
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'ssh' },
  resource: { type: 'Host', id: 'db1' },
  requesterEmail: 'alice@example.com',
  durationSeconds: 5400,
  extension: null,
  justification: 'deploy',
  policy: { id: 'p1', name: 'on-call' },
  createdAt: new Date('2026-01-01T00:00:00Z'),
  approvalDeadline: new Date('2026-01-02T00:00:00Z'),
  status: 'pending_approval',
  approvals: [],
  progress: [{ approvalsNeeded: 2, approvedBy: [], satisfied: false }],
  ...overrides,
});

describe('approval page', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(hostile)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  it('shows every user-provided value as text', () => {
    const html = renderRequestPage(
      view({
        approverEmail: hostile,
        principal: { type: 'User', id: hostile },
        resource: { type: 'Host', id: '"><img src=x>' },
        requesterEmail: hostile,
        justification: hostile,
        policy: { id: 'p1', name: hostile },
        approvals: [{ approverEmail: hostile, decision: 'approve', comment: hostile, decidedAt: new Date(0) }],
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(');
    expect(renderMessagePage(hostile, hostile)).not.toContain('<script>');
  });

  it('is a plain form posting back to the same URL with Approve, Deny and a comment', () => {
    const html = renderRequestPage(view());
    expect(html).toMatch(/<form method="post">/);
    expect(html).not.toMatch(/\saction=|<script|\son\w+=/i);
    expect(html).toContain('name="decision" value="approve"');
    expect(html).toContain('name="decision" value="deny"');
    expect(html).toContain('name="comment"');
    expect(html).toContain('1 h 30 min');
    expect(html).toContain('0 of 2 approvals');
  });

  it('allows exactly the inline style in its Content-Security-Policy', () => {
    const html = renderMessagePage('t', 'm');
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(PAGE_HEADERS['content-security-policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(PAGE_HEADERS['referrer-policy']).toBe('no-referrer');
    expect(PAGE_HEADERS['x-frame-options']).toBe('DENY');
    expect(PAGE_HEADERS['cache-control']).toBe('no-store');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(90061)).toBe('1 d 1 h 1 min 1 s');
  });
});
