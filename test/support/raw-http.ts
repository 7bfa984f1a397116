import { connect } from 'node:net';

export interface RawAnswer {
  /** Everything the server sent, as text. */
  text: string;
  status: number;
  headers: string;
  body: string;
  /** Milliseconds from the first byte sent to the connection's close. */
  closedAfterMs: number;
}

/**
 * Sends `head` (which asks for `Connection: close`) and `body` as they are (bytes, not UTF-8 of a string) and reads
 * until the server closes. The socket is not half-closed: a server that is not half-open drops a request whose
 * client ended its side before the answer.
 */
export async function rawRequest(base: string, head: string, body: Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headers, ...rest] = text.split('\r\n\r\n');
      resolve({ text, status: Number(headers.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), closedAfterMs: Date.now() - started });
    });
  });
}
