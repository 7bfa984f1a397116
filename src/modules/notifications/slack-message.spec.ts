import { escapeMrkdwn, formatDuration, SlackBlock, slackOutcomeMessage, SlackRequest, slackRequestMessage } from './slack-message';

const EVIL = '<!channel> <https://evil.example|click> & co';

const request = (overrides: Partial<SlackRequest> = {}): SlackRequest => ({
  grantId: '7d3c0a9e-0000-4000-8000-000000000001',
  principal: { type: 'User', id: 'alice' },
  requesterEmail: 'alice@example.com',
  action: { type: 'Action', id: 'ssh' },
  resource: { type: 'Host', id: 'db-1' },
  durationSeconds: 5400,
  justification: 'INC-42: disk full',
  policyName: 'prod ssh',
  approvers: [
    { approverEmail: 'bob@example.com', url: 'https://jit.example.com/approvals/tok-bob' },
    { approverEmail: 'carol@example.com', url: 'https://jit.example.com/approvals/tok-carol' },
  ],
  ...overrides,
});

/** Every text a user could see, mrkdwn or plain. */
function texts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    switch (block.type) {
      case 'header':
        return [block.text.text];
      case 'context':
        return block.elements.map((e) => e.text);
      case 'section':
        return [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text), block.accessory?.text.text ?? ''];
    }
  });
}

describe('slack messages', () => {
  it('escapes the three mrkdwn control characters', () => {
    expect(escapeMrkdwn('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });

  it('shows who, what, where, how long, why and which policy, with one link button per approver', () => {
    const payload = slackRequestMessage(request());
    const all = texts(payload.blocks).join('\n');
    for (const part of ['User::"alice"', 'alice@example.com', 'Action::"ssh"', 'Host::"db-1"', '1h 30m', 'INC-42: disk full', 'prod ssh']) {
      expect(all).toContain(part);
    }
    const buttons = payload.blocks.flatMap((b) =>
      b.type === 'section' && b.accessory ? [{ text: b.text?.text, url: b.accessory.url }] : [],
    );
    expect(buttons).toEqual([
      { text: expect.stringContaining('bob@example.com'), url: 'https://jit.example.com/approvals/tok-bob' },
      { text: expect.stringContaining('carol@example.com'), url: 'https://jit.example.com/approvals/tok-carol' },
    ]);
    expect(payload.text).toContain('Action::"ssh"');
  });

  it('escapes every user-provided text, so nothing can mention, link or inject markup', () => {
    const payload = slackRequestMessage(
      request({
        principal: { type: 'User', id: EVIL },
        requesterEmail: 'a&b@example.com',
        action: { type: 'Action', id: EVIL },
        resource: { type: 'Host', id: EVIL },
        justification: EVIL,
        policyName: EVIL,
        approvers: [{ approverEmail: 'x<y>@example.com', url: 'https://jit.example.com/approvals/t' }],
      }),
    );
    const all = [payload.text, ...texts(payload.blocks)].join('\n');
    expect(all).not.toMatch(/<!channel>|<https:|[<>]|&(?!amp;|lt;|gt;)/);
    expect(all).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co');
    expect(all).toContain('a&amp;b@example.com');

    const outcome = slackOutcomeMessage({
      grantId: 'g',
      principal: { type: 'User', id: EVIL },
      action: { type: 'Action', id: 'ssh' },
      resource: { type: 'Host', id: 'db' },
      outcome: 'denied',
      by: 'x<y>@example.com',
      comment: `${EVIL}\nsecond line`,
    });
    const shown = [outcome.text, ...texts(outcome.blocks)].join('\n').replace(/^> /gm, '');
    expect(shown).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
    expect(shown).toContain('x&lt;y&gt;@example.com');
  });

  it('keeps long text and many approvers within Slack limits', () => {
    const approvers = Array.from({ length: 60 }, (_, i) => ({ approverEmail: `a${i}@example.com`, url: `https://x.example/${i}` }));
    const payload = slackRequestMessage(request({ justification: '&'.repeat(5000), approvers }));
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
    for (const text of texts(payload.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    expect(texts(payload.blocks).join('\n')).toContain('20 more approver(s)');
  });

  it('follows up with the outcome', () => {
    const payload = slackOutcomeMessage({
      grantId: 'g-1',
      principal: { type: 'User', id: 'alice' },
      action: { type: 'Action', id: 'ssh' },
      resource: { type: 'Host', id: 'db-1' },
      outcome: 'approved',
      by: 'bob@example.com',
      comment: 'ok',
      expiresAt: new Date('2026-11-24T10:00:00Z'),
    });
    const all = texts(payload.blocks).join('\n');
    expect(payload.text).toContain('Request approved');
    for (const part of ['bob@example.com', '> ok', '2026-11-24T10:00:00.000Z', 'g-1']) expect(all).toContain(part);
  });

  it('formats durations', () => {
    expect([0, 45, 90, 3600, 5400, 86400 + 60].map(formatDuration)).toEqual(['0s', '45s', '1m 30s', '1h', '1h 30m', '1d 1m']);
  });
});
