export type ProcessRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  adminApiKey: string | null;
  publicBaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  processRole: ProcessRole;
  sweepIntervalSeconds: number;
  logLevel: string;
  bodyLimitBytes: number;
  /** How long a request may take to arrive, headers and body (ms): past it, `408` and the connection closes. */
  requestTimeoutMs: number;
  apiKeyCacheTtlMs: number;
  reminderIntervalSeconds: number;
  expiryNoticeLeadSeconds: number;
  approvalLinkTtlSeconds: number;
  webhookTimeoutMs: number;
  /** Lets Slack and webhook channels reach private and loopback addresses (off: SSRF protection). */
  webhookAllowPrivateAddresses: boolean;
  /** How often each process polls the tenants' change counters (ms); below the 2 s propagation bound. */
  changePollIntervalMs: number;
  /** PostgreSQL session limits: a statement, a lock wait, and a transaction left idle by a stalled process. */
  dbStatementTimeoutMs: number;
  dbLockTimeoutMs: number;
  dbIdleInTransactionTimeoutMs: number;
  /** Longest wait for Redis on a request path (after-commit effects, rate limits) before the outbox takes over. */
  redisCommandTimeoutMs: number;
  /** How long SIGTERM waits for in-flight requests and jobs before closing anyway. */
  shutdownGraceMs: number;
  rateLimits: RateLimitConfig;
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe for the client IP (rate limits per IP). */
  trustProxy: boolean | number | string;
  identity: IdentityConfig;
}

/** PRODUCT.md section 16; README "Identity". */
export interface IdentityConfig {
  /** Lets issuers and key URLs use http on loopback addresses (local development and tests). */
  allowInsecureIssuers: boolean;
  /** Least time between two key-set fetches of one issuer caused by an unknown `kid` (ms). */
  jwksCooldownMs: number;
  /** Longest a fetched key set is used before it is fetched again (ms). */
  jwksMaxAgeMs: number;
  /** Signs the approval-link sign-in cookies; a key shared through the database (service_secrets) when SESSION_SECRET is unset. */
  sessionSecret: string | null;
}

/** Requests per window (0 turns that limit off); see README "Rate limits". */
export interface RateLimitConfig {
  perIp: number;
  perKey: number;
  windowSeconds: number;
  authFailuresPerIp: number;
  authFailureWindowSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** TRUST_PROXY: unset or `false` (the socket's address), `true` (any proxy), a hop count, or addresses/CIDRs. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/** Reads and validates the environment; every problem names its variable. Pure: the caller passes the env. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, fallback: string, protocols: string[]): string => {
    const raw = read(name) ?? fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };
  const oneOf = <T extends string>(name: string, fallback: T, allowed: readonly T[]): T => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };

  const port = int('PORT', 3000, 0, 65535);
  const adminApiKey = read('ADMIN_API_KEY') ?? null;
  if (adminApiKey !== null && adminApiKey.length < 32) {
    problems.push('ADMIN_API_KEY must be at least 32 characters long');
  }
  const redisPrefix = read('REDIS_PREFIX') ?? 'jit';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(redisPrefix)) {
    problems.push('REDIS_PREFIX may hold only letters, digits, "-" and "_" (1 to 64 characters)');
  }
  const config: AppConfig = {
    port,
    databaseUrl: url('DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/jit_access', ['postgresql:', 'postgres:']),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix,
    adminApiKey,
    publicBaseUrl: url('PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(/\/+$/, ''),
    smtpUrl: url('SMTP_URL', 'smtp://127.0.0.1:1025', ['smtp:', 'smtps:']),
    mailFrom: read('MAIL_FROM') ?? 'jit-access@localhost',
    processRole: oneOf<ProcessRole>('PROCESS_ROLE', 'all', ['api', 'worker', 'all']),
    sweepIntervalSeconds: int('SWEEP_INTERVAL_SECONDS', 30, 1, 86400),
    logLevel: oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 60000, 1000, 3600000),
    apiKeyCacheTtlMs: int('API_KEY_CACHE_TTL_MS', 60000, 0, 3600000),
    reminderIntervalSeconds: int('REMINDER_INTERVAL_SECONDS', 3600, 1, 7 * 86400),
    expiryNoticeLeadSeconds: int('EXPIRY_NOTICE_LEAD_SECONDS', 600, 0, 86400),
    approvalLinkTtlSeconds: int('APPROVAL_LINK_TTL_SECONDS', 86400, 60, 30 * 86400),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 5000, 100, 60000),
    webhookAllowPrivateAddresses: oneOf('WEBHOOK_ALLOW_PRIVATE_ADDRESSES', 'false', ['true', 'false']) === 'true',
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 15000, 100, 3600000),
    dbLockTimeoutMs: int('DB_LOCK_TIMEOUT_MS', 6000, 100, 3600000),
    dbIdleInTransactionTimeoutMs: int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 5000, 100, 3600000),
    redisCommandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 60000),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10000, 0, 600000),
    trustProxy: trustProxy(read('TRUST_PROXY')),
    rateLimits: {
      perIp: int('RATE_LIMIT_PER_IP', 6000, 0, 10_000_000),
      perKey: int('RATE_LIMIT_PER_KEY', 6000, 0, 10_000_000),
      windowSeconds: int('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86400),
      authFailuresPerIp: int('RATE_LIMIT_AUTH_FAILURES_PER_IP', 20, 0, 1_000_000),
      authFailureWindowSeconds: int('RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS', 300, 1, 86400),
    },
    changePollIntervalMs: int('CHANGE_POLL_INTERVAL_MS', 1000, 50, 1500),
    identity: {
      allowInsecureIssuers: oneOf('IDENTITY_ALLOW_INSECURE_ISSUERS', 'false', ['true', 'false']) === 'true',
      jwksCooldownMs: int('IDENTITY_JWKS_COOLDOWN_SECONDS', 60, 0, 86400) * 1000,
      jwksMaxAgeMs: int('IDENTITY_JWKS_MAX_AGE_SECONDS', 600, 1, 86400) * 1000,
      sessionSecret: read('SESSION_SECRET') ?? null,
    },
  };
  if (config.identity.sessionSecret !== null && config.identity.sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters long');
  if (!/^[^\s@]+@[^\s@]+$/.test(config.mailFrom)) problems.push('MAIL_FROM must be an email address');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
