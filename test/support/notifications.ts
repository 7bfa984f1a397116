import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Whether the session ran over TLS, and who authenticated, if anyone. */
  secure: boolean;
  user: string | undefined;
  /** The message as it arrived. */
  raw: string;
  subject: string;
  /** The decoded message (quoted-printable undone), text and HTML parts together. */
  body: string;
}

/** Quoted-printable as nodemailer writes it: soft line breaks and =XX bytes. */
const decodeQp = (text: string): string =>
  Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

const subjectOf = (raw: string): string => {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => /^subject:/i.test(l)) ?? '';
  return line
    .slice('subject:'.length)
    .trim()
    .replace(/=\?utf-8\?Q\?([^?]*)\?=\s*/gi, (_, q: string) => decodeQp(q.replace(/_/g, ' ')));
};

/** A real SMTP server in the test process; `port` 0 picks a free one; `options` add TLS, auth or recipient checks. */
export async function startSmtp(port = 0, options: SMTPServerOptions = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: session.user as string | undefined,
          raw,
          subject: subjectOf(raw),
          body: decodeQp(raw),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    received,
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on right now (for a server that starts later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on 127.0.0.1 for Slack and webhook posts; answers 200 unless `status` says otherwise. */
export async function startReceiver() {
  const hits: Hit[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hits,
    url,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The approval path (`/approvals/<token>`) of the personal link in a message body. */
export function approvalPath(body: string): string {
  const match = /https?:\/\/[^\s"<]+?(\/approvals\/[A-Za-z0-9_-]+)/.exec(body);
  if (!match) throw new Error(`no approval link in: ${body.slice(0, 500)}`);
  return match[1];
}
