import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';
import type { GrantRecord } from './grant.types';
import type { AccessTriple } from './access-triple';
import { GrantsRepository, ImpactRow } from './grants.repository';

/** Rows per page of a plan's impact read: bounded memory, and few round trips. */
const IMPACT_PAGE = 2000;

/** What other modules may read of grants: the access check's cache, the notification handlers, the metrics. */
@Injectable()
export class GrantReads {
  constructor(private readonly grants: GrantsRepository) {}

  find(tenantId: string, id: string): Promise<GrantRecord | null> {
    return this.grants.find(tenantId, id);
  }

  /** Active grants of a tenant (inside the caller's snapshot). */
  listActive(tenantId: string, tx: RawTx): Promise<GrantRecord[]> {
    return this.grants.listActive(tenantId, tx);
  }

  revokedSince(tenantId: string, after: bigint): Promise<(GrantRecord & { revokeSeq: bigint })[]> {
    return this.grants.revokedSince(tenantId, after);
  }

  findActiveFor(tenantId: string, triple: AccessTriple, now: Date): Promise<GrantRecord | null> {
    return this.grants.findActiveFor(tenantId, triple, now);
  }

  /**
   * Active grants and pending requests, for a policy bundle's impact (inside the caller's snapshot), in keyset
   * pages of `size`: the next page is read while the caller works on the current one.
   */
  async *impactPages(tx: Tx, tenantId: string, size = IMPACT_PAGE): AsyncGenerator<ImpactRow[]> {
    const read = (after: ImpactRow | null) => {
      const page = this.grants.impactPage(tx, tenantId, after && { createdAt: after.createdAt, id: after.id }, size);
      // Awaited below; a caller that stops early leaves it unawaited, and its failure is then nobody's.
      page.catch(() => undefined);
      return page;
    };
    let next: Promise<ImpactRow[]> | null = read(null);
    while (next) {
      const page: ImpactRow[] = await next;
      next = page.length === size ? read(page[page.length - 1]) : null;
      yield page;
    }
  }

  countByStatus(): Promise<Record<string, number>> {
    return this.grants.countByStatus();
  }
}
