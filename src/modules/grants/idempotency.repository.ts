import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService } from '@/infra/prisma/prisma.service';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

const TTL_HOURS = 24;

/**
 * Saving a response under its key as SQL, one row per row of `gate` (a CTE name): returns a row when the key was
 * free or its record had expired, none when a fresh record for the key exists (a concurrent first request won).
 */
export function saveResponseSql(tenantId: string, key: string, response: StoredResponse, gate: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO idempotency_keys (tenant_id, key, request_hash, response_status, response_body, created_at)
    SELECT ${tenantId}::uuid, ${key}::text, ${response.requestHash}::text, ${response.status}::int, ${JSON.stringify(response.body)}::jsonb, now()
    FROM ${gate}
    ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,
      response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, created_at = now()
    WHERE idempotency_keys.created_at <= now() - make_interval(hours => ${TTL_HOURS})
    RETURNING 1`;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(tenantId: string, key: string): Promise<StoredResponse | null> {
    const row = await this.prisma.idempotencyKey.findFirst({
      where: { tenantId, key, createdAt: { gt: new Date(Date.now() - TTL_HOURS * 3600_000) } },
    });
    return row ? { requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody } : null;
  }

  async purgeExpired(): Promise<number> {
    return this.prisma.raw.$executeRaw`DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(hours => ${TTL_HOURS})`;
  }
}
