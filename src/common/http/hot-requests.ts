import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import { errorAnswer } from '@/common/errors/error.filter';
import type { Done } from './body-parsers';
import type { EdgeHooks, EdgeRequest } from './edge-hooks';
import { badHost } from './client-errors';
import { requestIdOf } from './request-id';

/** What a hot route's guards, interceptors, pipes and edge hooks see of a request served below Fastify. */
export interface HotRequest extends EdgeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly raw: IncomingMessage;
  body: unknown;
}

/** A POST route served here, resolved once at start-up. */
export interface HotPath {
  /** The route's success status. */
  status: number;
  /** Runs the route's guards, interceptors, pipes and handler: its result, or a promise of it; throws or rejects. */
  run: (request: HotRequest) => unknown;
}

export interface HotRequestsOptions {
  /** Path (no query string, which is also the route pattern) -> its route, for the POST routes served here. */
  paths: ReadonlyMap<string, HotPath>;
  edge: EdgeHooks;
  /** The shared JSON body parser (body-parsers.ts): strict UTF-8, Fastify's parser, the input guard. */
  parseJson: (body: Buffer, done: Done) => void;
  bodyLimit: number;
  trustProxy: boolean | number | string;
  /** True once the process drains: new requests go to Fastify, answers close their connection. */
  draining: () => boolean;
  onHookError: (error: unknown) => void;
}

/** The content types served here; Fastify answers any other (with its 415 or its parser's rules). */
const JSON_TYPE = /^application\/json(?:\s*;\s*charset=utf-8)?$/i;
const DIGITS = /^\d{1,9}$/;
const JSON_UTF8 = 'application/json; charset=utf-8';

/** Fastify's client address rules (fastify/lib/request.js): a hop count alone trusts no proxy. */
function clientIp(trustProxy: boolean | number | string): (raw: IncomingMessage) => string {
  if (trustProxy === false) return (raw) => raw.socket.remoteAddress ?? '';
  const trusted =
    trustProxy === true
      ? () => true
      : typeof trustProxy === 'number'
        ? () => false
        : proxyAddr.compile(trustProxy.split(',').map((value) => value.trim()));
  return (raw) => {
    const addresses = proxyAddr.all(raw, trusted);
    return addresses[addresses.length - 1];
  };
}

/**
 * Serves hot routes from the HTTP server's request event, before Fastify sees the request: a POST to a hot route's
 * exact path with a JSON body of a declared length within the body limit. It runs what Fastify would for that route,
 * in the same order and with the same code: the request id, the edge hooks (rate limits, metrics), the JSON parser
 * and input guard, then HotRoutes' guards, interceptors, pipes and handler, and errors in the one error shape.
 * Anything else (another content type, chunked bodies, a query string, draining) is left to Fastify untouched.
 */
export class HotRequests {
  private readonly ipOf: (raw: IncomingMessage) => string;

  constructor(private readonly options: HotRequestsOptions) {
    this.ipOf = clientIp(options.trustProxy);
  }

  paths(): string[] {
    return [...this.options.paths.keys()];
  }

  /** Takes the request and answers it; false when it is Fastify's (nothing was read or counted). */
  serve(raw: IncomingMessage, res: ServerResponse): boolean {
    if (raw.method !== 'POST') return false;
    const url = raw.url;
    if (url === undefined) return false;
    const route = this.options.paths.get(url);
    if (route === undefined || !this.takes(raw.headers) || this.options.draining() || badHost(raw)) return false;
    const started = performance.now();
    const request: HotRequest = { method: 'POST', url, ip: this.ipOf(raw), id: requestIdOf(raw.headers), headers: raw.headers, raw, routeOptions: { url }, body: undefined };
    const fail = (error: unknown, close = false) => {
      const answer = errorAnswer(error, request);
      this.answer(request, res, started, answer.status, answer.body, close ? { ...answer.headers, connection: 'close' } : answer.headers);
    };
    let pending: Promise<void> | undefined;
    try {
      pending = this.options.edge.onRequest(request);
    } catch (error) {
      fail(error);
      return true;
    }
    const afterHooks = () => this.read(route, request, res, started, fail);
    if (pending) pending.then(afterHooks, fail);
    else afterHooks();
    return true;
  }

  private takes(headers: IncomingHttpHeaders): boolean {
    const type = headers['content-type'];
    const length = headers['content-length'];
    return type !== undefined && JSON_TYPE.test(type) && headers['transfer-encoding'] === undefined && length !== undefined && DIGITS.test(length) && Number(length) <= this.options.bodyLimit;
  }

  /** `fail(error, close)`: answers the error; `close` ends the connection after it, as Fastify does on a body it refused. */
  private read(route: HotPath, request: HotRequest, res: ServerResponse, started: number, fail: (error: unknown, close?: boolean) => void): void {
    const chunks: Buffer[] = [];
    const { raw } = request;
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A client that goes away mid-body gets no answer; its socket is already closed.
    raw.on('error', () => undefined);
    raw.on('end', () => {
      this.options.parseJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), (error, body) => {
        if (error) return fail(error, true);
        request.body = body;
        let result: unknown;
        try {
          result = route.run(request);
        } catch (refusal) {
          return fail(refusal);
        }
        if (result instanceof Promise) result.then((resolved: unknown) => this.answer(request, res, started, route.status, resolved), fail);
        else this.answer(request, res, started, route.status, result);
      });
    });
  }

  private answer(request: HotRequest, res: ServerResponse, started: number, status: number, body: unknown, headers?: Record<string, string>): void {
    if (res.headersSent || res.destroyed) return;
    let payload: string;
    try {
      payload = body === undefined ? '' : JSON.stringify(body);
    } catch (error) {
      // A result JSON cannot hold (a BigInt, a cycle) is a bare 500, as on Fastify's path; never a thrown 'end' handler.
      const answer = errorAnswer(error, request);
      return this.answer(request, res, started, answer.status, answer.body, answer.headers);
    }
    const own = { 'content-type': JSON_UTF8, 'content-length': Buffer.byteLength(payload), 'x-request-id': request.id };
    const all = headers ? { ...headers, ...own } : own;
    res.writeHead(status, this.options.draining() ? { ...all, connection: 'close' } : all);
    res.end(payload);
    this.options.edge.onResponse(request, status, performance.now() - started, this.options.onHookError);
  }
}
