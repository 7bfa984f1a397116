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
 * an `Expect` other than `100-continue` (Node: a bare 417, with the body left unread) and `CONNECT` (Node: the
 * connection dropped). An HTTP/1.1 request without `Host` is refused by the routes (`missingHost`) instead of by Node
 * (the server is created with `requireHostHeader: false`).
 */
export function answerUnservedRequests(server: Server): void {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    response.shouldKeepAlive = false;
    answerAndClose(response.socket ?? request.socket, 417, 'invalid_input', 'Only "Expect: 100-continue" is supported');
  });
  // Like any method no route has: 404 not_found.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => answerAndClose(socket, 404, 'not_found', 'Route not found'));
}

/** RFC 9112 section 3.2: an HTTP/1.1 request without exactly one Host header is 400 (Node's own answer is bare). */
export const missingHost = (request: IncomingMessage): boolean => request.httpVersion === '1.1' && request.headers.host === undefined;
