import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import { Page, pageSize } from '@/common/http/pagination';
import { ChainedEvent, ChainVerifier, VerifyResult } from './audit-chain';
import {
  AuditEventView,
  CSV_CONTENT_TYPE,
  csvHeader,
  csvRow,
  decodeSeqCursor,
  encodeSeqCursor,
  NDJSON_CONTENT_TYPE,
  ndjsonLine,
  toAuditEventView,
} from './audit-event.view';
import { AuditChainer } from './audit-chainer';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditFilterDto } from './dto/audit-filter.dto';
import { ExportAuditEventsDto } from './dto/export-audit-events.dto';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

/** Rows per database round trip when reading a whole chain: memory stays bounded by this, not by the chain. */
const BATCH = 1000;

const toFilter = (dto: AuditFilterDto): AuditFilter => ({
  action: dto.action,
  actorId: dto.actor_id,
  actorType: dto.actor_type,
  targetType: dto.target_type,
  targetId: dto.target_id,
  since: dto.since === undefined ? undefined : new Date(dto.since),
  until: dto.until === undefined ? undefined : new Date(dto.until),
});

@Injectable()
export class AuditService {
  constructor(
    private readonly events: AuditRepository,
    private readonly chainer: AuditChainer,
  ) {}

  async list(tenantId: string, query: ListAuditEventsDto): Promise<Page<AuditEventView>> {
    await this.chainer.flush(tenantId);
    const order = query.order ?? 'desc';
    const limit = pageSize(query);
    const after = decodeSeqCursor(query.cursor, order);
    const rows = await this.events.find(tenantId, toFilter(query), { order, after, limit: limit + 1 });
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      data: shown.map(toAuditEventView),
      next_cursor: rows.length > limit && last ? encodeSeqCursor(order, last.seq) : null,
    };
  }

  /**
   * Streams the matching events oldest first, one batch in memory at a time and at the pace the client reads.
   * The export ends at the head read when it starts, so a long export is a consistent prefix of the chain.
   */
  async export(tenantId: string, query: ExportAuditEventsDto): Promise<StreamableFile> {
    await this.chainer.flush(tenantId);
    const format = query.format ?? 'ndjson';
    const head = await this.events.head(tenantId);
    const batches = this.batches(tenantId, toFilter(query), head?.seq);
    const lines = format === 'csv' ? csvLines(batches) : ndjsonLines(batches);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return new StreamableFile(Readable.from(lines, { objectMode: false }), {
      type: format === 'csv' ? CSV_CONTENT_TYPE : NDJSON_CONTENT_TYPE,
      disposition: `attachment; filename="audit-events-${stamp}.${format}"`,
    });
  }

  /**
   * Recomputes the tenant's whole chain up to the head read first (appends made meanwhile are left for next time);
   * with no head, every event is read, so that a deleted head row with events left behind is reported.
   */
  async verify(tenantId: string): Promise<VerifyResult> {
    await this.chainer.flush(tenantId);
    const head = await this.events.head(tenantId);
    const verifier = new ChainVerifier();
    for await (const batch of this.batches(tenantId, {}, head?.seq)) {
      for (const event of batch) verifier.step(event);
      if (verifier.broken) break;
    }
    return verifier.result(head);
  }

  private async *batches(tenantId: string, filter: AuditFilter, upTo: bigint | undefined): AsyncGenerator<ChainedEvent[]> {
    let after = 0n;
    for (;;) {
      const rows = await this.events.find(tenantId, filter, { order: 'asc', after, upTo, limit: BATCH });
      if (rows.length > 0) yield rows;
      const last = rows[rows.length - 1];
      if (rows.length < BATCH || !last) return;
      after = last.seq;
    }
  }
}

async function* ndjsonLines(batches: AsyncIterable<ChainedEvent[]>): AsyncGenerator<string> {
  for await (const batch of batches) yield batch.map(ndjsonLine).join('');
}

async function* csvLines(batches: AsyncIterable<ChainedEvent[]>): AsyncGenerator<string> {
  yield csvHeader();
  for await (const batch of batches) yield batch.map(csvRow).join('');
}
