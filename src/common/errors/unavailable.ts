/** PostgreSQL SQLSTATE classes and codes that mean "not now" rather than "wrong": connection loss, shutdown, timeouts, lock waits, conflicts. */
const RETRYABLE_SQLSTATE = /^(08|53|57P|40001|40P01|55P03|57014|25P03)/;
const PRISMA_RETRYABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionAlreadyClosed']);
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  // pg's query_timeout: a connection whose server stopped answering (the statement timeout cannot fire there).
  /Query read timeout/i,
  /Can't reach database server/i,
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /max retries per request/i,
  /Command timed out/i,
  /deadline of \d+ ms/i,
  /Redis is unavailable/i,
];

type Inspectable = {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  originalCode?: unknown;
  errors?: unknown;
};

/**
 * Whether an error means a dependency (PostgreSQL, Redis) is unreachable, overloaded or timed out, so that the
 * client should get `503 unavailable` (retry later) instead of `500 internal`. Looks through Prisma's wrapping
 * (`meta.driverAdapterError.cause`), `cause` chains and aggregate errors, a few levels deep.
 */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  const e = error as Inspectable;
  if (typeof e.code === 'string' && (PRISMA_RETRYABLE.has(e.code) || NODE_CODES.has(e.code) || RETRYABLE_SQLSTATE.test(e.code))) return true;
  if (typeof e.originalCode === 'string' && RETRYABLE_SQLSTATE.test(e.originalCode)) return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  const nested = [e.cause, e.meta?.driverAdapterError, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])];
  return nested.some((inner) => isUnavailableError(inner, depth + 1));
}
