import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

const TTL_HOURS = 24;

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(tenantId: string, key: string): Promise<StoredResponse | null> {
    const row = await this.prisma.idempotencyKey.findFirst({
      where: { tenantId, key, createdAt: { gt: new Date(Date.now() - TTL_HOURS * 3600_000) } },
    });
    return row ? { requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody } : null;
  }

  /** False when a fresh record for the key exists already (a concurrent first request won). */
  async save(tx: Tx, tenantId: string, key: string, response: StoredResponse): Promise<boolean> {
    const body = JSON.stringify(response.body);
    const affected = await tx.$executeRaw`
      INSERT INTO idempotency_keys (tenant_id, key, request_hash, response_status, response_body, created_at)
      VALUES (${tenantId}::uuid, ${key}, ${response.requestHash}, ${response.status}, ${body}::jsonb, now())
      ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,
        response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, created_at = now()
      WHERE idempotency_keys.created_at <= now() - make_interval(hours => ${TTL_HOURS})`;
    return affected === 1;
  }

  async purgeExpired(): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(hours => ${TTL_HOURS})`;
  }
}
