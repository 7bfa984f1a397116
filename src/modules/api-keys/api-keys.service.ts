import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { ChangeFeed } from '@/modules/tenant-state/change-feed';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { formatKey, hashSecret, newSecret, parseKey, secretMatches } from '@/common/auth/api-key-secret';
import type { AuthContext, Role } from '@/common/auth/roles';
import { conflict, notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { normalizeEmail } from '@/modules/email-lists/emails';
import { ApiKeyCache, CacheEntry } from './api-key-cache';
import { ApiKeyRecord, ApiKeyView, CreatedApiKey, toApiKeyView } from './api-key.types';
import { ApiKeysRepository } from './api-keys.repository';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/** Presented keys remembered as proven, at most; only keys whose secret matched get in. */
const MAX_PROVEN = 10_000;

const authOf = (record: ApiKeyRecord): AuthContext =>
  Object.freeze({ tenantId: record.tenantId, keyId: record.id, roles: Object.freeze([record.role]) as Role[], subjectEmail: record.subjectEmail, person: null });

/** Whether a row read again proves the same key with the same rights (keys are never edited, only revoked). */
const sameKey = (before: ApiKeyRecord, after: ApiKeyRecord): boolean =>
  after.revokedAt === null &&
  after.tenantId === before.tenantId &&
  after.role === before.role &&
  after.subjectEmail === before.subjectEmail &&
  Buffer.compare(after.secretHash, before.secretHash) === 0;

interface Proven {
  keyId: string;
  record: ApiKeyRecord;
  entry: CacheEntry | undefined;
  auth: AuthContext;
}

/** A key row as `lookup` found it, with the cache entry holding it when the cache holds it. */
interface Found {
  record: ApiKeyRecord | null;
  entry: CacheEntry | undefined;
}

@Injectable()
export class ApiKeysService implements OnModuleInit {
  private readonly cache: ApiKeyCache;
  /**
   * Presented key -> the row its secret was proven against, the cache entry that held it (none when the cache was not
   * trusted), and its caller, frozen and shared by its requests: while that entry is current, no hash again.
   */
  private readonly proven = new Map<string, Proven>();
  /** Key ids whose row is being read again in the background (refresh). */
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditRepository,
    private readonly bus: InvalidationBus,
    private readonly feed: ChangeFeed,
    private readonly state: TenantStateRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new ApiKeyCache(config.apiKeyCacheTtlMs);
  }

  /** Each tenant's `key_revocations` as the change feed last told it (unknown: its cached keys are dropped). */
  private readonly keyRevocationsSeen = new Map<string, bigint>();

  onModuleInit(): void {
    this.bus.on('api-key', (message) => (message?.id ? this.cache.delete(message.id) : this.cache.clear()));
    this.feed.listen((tenantId, counters, countersReadAt) => {
      // A grant revocation or a policy change moves the tenant's counters too; only key revocations cost its keys.
      if (this.keyRevocationsSeen.get(tenantId) === counters.keyRevocations) return;
      this.keyRevocationsSeen.set(tenantId, counters.keyRevocations);
      this.cache.dropTenant(tenantId, countersReadAt);
    });
  }

  async create(tenantId: string, dto: CreateApiKeyDto, actor: Actor): Promise<CreatedApiKey> {
    const id = randomUUID();
    const secret = newSecret();
    const record = await this.prisma.$transaction(async (tx) => {
      const subjectEmail = dto.subject_email === undefined ? null : normalizeEmail(dto.subject_email);
      const created = await this.keys.create(tx, tenantId, { id, name: dto.name, role: dto.role, secretHash: hashSecret(secret), subjectEmail });
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: id,
        data: { name: dto.name, role: dto.role, subject_email: created.subjectEmail },
      });
      return created;
    });
    return { ...toApiKeyView(record), key: formatKey(id, secret) };
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<ApiKeyView>> {
    const limit = pageSize(query);
    return toPage(await this.keys.list(tenantId, limit + 1, decodeCursor(query.cursor)), limit, toApiKeyView);
  }

  /** Revokes a key; the tenant's last active admin key is `409 conflict` (only the operator could recover then). */
  async revoke(tenantId: string, id: string, actor: Actor): Promise<void> {
    const revoked = await this.prisma.$transaction(async (tx) => {
      const admins = await this.keys.lockActiveAdmins(tx, tenantId);
      if (admins.length === 1 && admins[0] === id.toLowerCase()) {
        throw conflict('This is the tenant\'s last active admin key: create another admin key before revoking it', { field: 'id' });
      }
      const record = await this.keys.revoke(tx, tenantId, id);
      if (record) {
        await this.state.bumpKeyRevocations(tx, tenantId);
        await this.audit.append(tx, tenantId, {
          actor,
          action: 'api_key.revoked',
          targetType: 'api_key',
          targetId: id,
          data: { name: record.name, role: record.role },
        });
      }
      return record;
    });
    if (!revoked && !(await this.keys.exists(tenantId, id))) throw notFound('API key');
    await this.bus.publish({ topic: 'api-key', tenantId, id });
  }

  /**
   * Resolves an `X-API-Key` value; the steady state costs no database round trip and no promise: a key proven
   * against the row the trusted cache still holds is answered at once, anything else through `authenticateRead`.
   */
  authenticate(raw: string | undefined): AuthContext | null | Promise<AuthContext | null> {
    const known = raw === undefined ? undefined : this.proven.get(raw);
    // A live entry is the cache's current row for the key (replacing or dropping it kills it), so it holds known.record.
    if (known?.entry && this.bus.isLive() && this.feed.isFresh() && this.cache.current(known.entry) && !known.record.revokedAt) {
      if (this.cache.dueForRefresh(known.entry)) this.refresh(raw as string, known);
      return known.auth;
    }
    return this.authenticateRead(raw);
  }

  /**
   * Reads a key in use again in the background before its cached row's TTL runs out, so that no request of a busy
   * key waits for that read (every process read each key once a minute on a request's path, and keys loaded
   * together expired together). An unchanged row keeps the key proven; any other (revoked, say) goes through
   * `authenticateRead` on the next request, as before. A failed read leaves the entry to its TTL.
   */
  private refresh(raw: string, known: Proven): void {
    if (this.refreshing.has(known.keyId)) return;
    this.refreshing.add(known.keyId);
    this.read(known.keyId, true)
      .then(({ record, entry }) => {
        if (entry && record && this.proven.get(raw) === known && sameKey(known.record, record)) this.proven.set(raw, { ...known, record, entry });
      })
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(known.keyId));
  }

  private async authenticateRead(raw: string | undefined): Promise<AuthContext | null> {
    const known = raw === undefined ? undefined : this.proven.get(raw);
    if (known) {
      const { record } = await this.lookup(known.keyId);
      // The same row object: not re-read, not revoked since (a revocation or a new read replaces the row).
      if (record === known.record && !record.revokedAt) return known.auth;
      this.proven.delete(raw as string);
    }
    const parsed = parseKey(raw);
    if (!parsed) return null;
    const { record, entry } = await this.lookup(parsed.keyId);
    if (!record || record.revokedAt || !secretMatches(parsed.secret, record.secretHash)) return null;
    return this.prove(raw as string, { keyId: parsed.keyId, record, entry, auth: authOf(record) });
  }

  private prove(raw: string, proven: Proven): AuthContext {
    if (this.proven.size >= MAX_PROVEN) {
      const oldest = this.proven.keys().next().value;
      if (oldest !== undefined) this.proven.delete(oldest);
    }
    this.proven.set(raw, proven);
    return proven.auth;
  }

  /**
   * The key row, from the cache while it can be trusted: the bus is live (revocations arrive at once) and the change
   * feed is fresh (a revocation whose message was lost is seen within the propagation bound).
   */
  private async lookup(id: string): Promise<Found> {
    const trusted = this.bus.isLive() && (this.feed.isFresh() || (await this.feed.refresh()));
    const hit = trusted ? this.cache.get(id) : undefined;
    if (hit) return { record: hit.record, entry: hit };
    return this.read(id, trusted);
  }

  /** The key row from the database, stored in the cache when `trusted` (and no invalidation came meanwhile). */
  private async read(id: string, trusted: boolean): Promise<Found> {
    const generation = this.cache.currentGeneration();
    const readAt = performance.now();
    const record = await this.keys.findForAuthentication(id);
    if (record) this.feed.watch(record.tenantId);
    return { record, entry: trusted ? this.cache.set(id, record, readAt, generation) : undefined };
  }
}
