#!/usr/bin/env node
// A local SMTP sink for trying the service without Docker (README "Walkthrough"): listens on 127.0.0.1:1025 (or
// SMTP_SINK_PORT), accepts every message and prints its recipients, subject and text, so that approval links can be
// copied from the terminal. Nothing is stored or relayed. Uses the `smtp-server` dev dependency.
const { SMTPServer } = require('smtp-server');

const port = Number(process.env.SMTP_SINK_PORT || 1025);
const decode = (text) => text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16)));

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = decode(Buffer.concat(chunks).toString('utf8'));
      const subject = (/^subject:\s*(.*)$/im.exec(raw) || [])[1] || '';
      const links = [...new Set(raw.match(/https?:\/\/[^\s"<>]+\/approvals\/[A-Za-z0-9_-]+/g) || [])];
      process.stdout.write(`--- mail to ${session.envelope.rcptTo.map((r) => r.address).join(', ')}: ${subject}\n`);
      for (const link of links) process.stdout.write(`    approval link: ${link}\n`);
      callback();
    });
  },
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`SMTP sink on smtp://127.0.0.1:${port} (Ctrl-C to stop)\n`));
