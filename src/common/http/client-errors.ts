import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

const ANSWERS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request took too long to arrive'],
};

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser raises before any route runs (oversized headers,
 * malformed requests, timeouts) answered in the error shape, then the connection closed. Nothing of the request
 * is echoed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = ANSWERS[error.code ?? ''] ?? [400, 'Malformed HTTP request'];
  answerAndClose(socket, status, 'invalid_input', message);
}

function answerAndClose(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Requests Node's HTTP server would answer itself, bare or not at all, answered in the error shape and closed:
 * an `Expect` other than `100-continue` (Node: a bare 417, with the body left unread), through its response so that
 * it follows the answers to requests pipelined before it; and `CONNECT` (Node: the connection dropped), whose socket
 * is handed over raw, so it is answered only when no earlier answer on that connection is still owed (else dropped,
 * as Node does: a 404 written ahead of them would read as their answer). An HTTP/1.1 request without exactly one
 * `Host` is refused by the routes (`badHost`) instead of by Node (the server is created with
 * `requireHostHeader: false`).
 */
export function answerUnservedRequests(server: Server): void {
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify({ code: 'invalid_input', message: 'Only "Expect: 100-continue" is supported' });
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    response.end(body);
  });
  server.on('connect', (_request: IncomingMessage, socket: Duplex & { _httpMessage?: unknown }) => {
    // Node's own field: the response the connection is writing or still owes (http's _http_server.js).
    if (socket._httpMessage) socket.destroy();
    else answerAndClose(socket, 404, 'not_found', 'Route not found');
  });
}

/**
 * RFC 9112 section 3.2: an HTTP/1.1 request without exactly one Host header is 400 (Node answered a missing one
 * bare, and kept the first of several).
 */
export function badHost(request: IncomingMessage): boolean {
  if (request.httpVersion !== '1.1') return false;
  if (request.headers.host === undefined) return true;
  const raw = request.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') hosts += 1;
  return hosts !== 1;
}
