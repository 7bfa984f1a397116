import { loadConfig } from '../src/config/config';
import { MailerService } from '../src/infra/mail/mailer.service';
import { startTestApp } from './support/app';
import { startSmtp } from './support/notifications';

/** Header block and body of a raw message, headers unfolded and keyed in lower case. */
function parse(raw: string): { headers: Record<string, string>; body: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  return { headers, body: rest.join('\n\n') };
}

const mailer = (smtpUrl: string) => new MailerService({ smtpUrl, mailFrom: 'jit@example.com' });

describe('MailerService', () => {
  it('sends text and HTML from MAIL_FROM', async () => {
    const smtp = await startSmtp();
    const service = mailer(`smtp://127.0.0.1:${smtp.port}`);
    try {
      await service.send({
        to: ['a@example.com', 'b@example.com'],
        subject: 'Approve access',
        text: 'plain body',
        html: '<p>html body</p>',
      });
      expect(smtp.received).toHaveLength(1);
      const [message] = smtp.received;
      expect(message.from).toBe('jit@example.com');
      expect(message.to).toEqual(['a@example.com', 'b@example.com']);
      const { headers, body } = parse(message.raw);
      expect(headers.from).toBe('jit@example.com');
      expect(headers.subject).toBe('Approve access');
      expect(headers['content-type']).toContain('multipart/alternative');
      expect(body).toContain('plain body');
      expect(body).toContain('<p>html body</p>');
    } finally {
      service.onModuleDestroy();
      await smtp.close();
    }
  });

  it('keeps a subject with line breaks on one header line', async () => {
    const smtp = await startSmtp();
    const service = mailer(`smtp://127.0.0.1:${smtp.port}`);
    try {
      await service.send({ to: 'a@example.com', subject: 'Hi\r\nBcc: victim@example.com', text: 'x' });
      const { headers } = parse(smtp.received[0].raw);
      expect(headers.bcc).toBeUndefined();
      expect(smtp.received[0].to).toEqual(['a@example.com']);
    } finally {
      service.onModuleDestroy();
      await smtp.close();
    }
  });

  it('authenticates with the credentials of SMTP_URL and speaks TLS with smtps://', async () => {
    const smtp = await startSmtp(0, {
      secure: true,
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 'p@ss word') callback(null, { user: auth.username });
        else callback(new Error('bad credentials'));
      },
    });
    const good = mailer(`smtps://mailer:${encodeURIComponent('p@ss word')}@127.0.0.1:${smtp.port}?tls.rejectUnauthorized=false`);
    const bad = mailer(`smtps://mailer:wrong@127.0.0.1:${smtp.port}?tls.rejectUnauthorized=false`);
    try {
      await good.send({ to: 'a@example.com', subject: 's', text: 't' });
      expect(smtp.received).toEqual([expect.objectContaining({ secure: true, user: 'mailer' })]);
      await expect(bad.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow();
      expect(smtp.received).toHaveLength(1);
    } finally {
      good.onModuleDestroy();
      bad.onModuleDestroy();
      await smtp.close();
    }
  });

  it('throws when the server refuses the message', async () => {
    const smtp = await startSmtp(0, {
      onRcptTo(address, _session, callback) {
        callback(address.address.startsWith('nobody') ? new Error('no such user') : undefined);
      },
    });
    const service = mailer(`smtp://127.0.0.1:${smtp.port}`);
    try {
      await expect(service.send({ to: 'nobody@example.com', subject: 's', text: 't' })).rejects.toThrow();
      expect(smtp.received).toHaveLength(0);
    } finally {
      service.onModuleDestroy();
      await smtp.close();
    }
  });

  it('fails while SMTP is down and succeeds once it is back on the same port', async () => {
    const first = await startSmtp();
    const port = first.port;
    await first.close();
    const service = mailer(`smtp://127.0.0.1:${port}`);
    try {
      await expect(service.send({ to: 'a@example.com', subject: 'while down', text: 't' })).rejects.toThrow();
      const again = await startSmtp(port);
      try {
        await service.send({ to: 'a@example.com', subject: 'after restart', text: 't' });
        expect(again.received.map((m) => parse(m.raw).headers.subject)).toEqual(['after restart']);
      } finally {
        await again.close();
      }
    } finally {
      service.onModuleDestroy();
    }
  });

  it('is a global provider of the application, configured from SMTP_URL and MAIL_FROM', async () => {
    const smtp = await startSmtp();
    const t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'noreply@jit.example' });
    try {
      await t.app.get(MailerService).send({ to: 'a@example.com', subject: 'from the app', text: 't' });
      expect(smtp.received.map((m) => m.from)).toEqual(['noreply@jit.example']);
    } finally {
      await t.close();
      await smtp.close();
    }
  });

  it('has defaults for the notification settings and refuses bad values', () => {
    expect(loadConfig({})).toMatchObject({
      reminderIntervalSeconds: 3600,
      expiryNoticeLeadSeconds: 600,
      approvalLinkTtlSeconds: 86400,
      webhookTimeoutMs: 5000,
    });
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '0', APPROVAL_LINK_TTL_SECONDS: 'soon' })).toThrow(
      /WEBHOOK_TIMEOUT_MS[\s\S]*APPROVAL_LINK_TTL_SECONDS|APPROVAL_LINK_TTL_SECONDS[\s\S]*WEBHOOK_TIMEOUT_MS/,
    );
  });
});
