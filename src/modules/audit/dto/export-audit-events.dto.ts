import { IsIn, IsOptional } from 'class-validator';
import { AuditFilterDto } from './audit-filter.dto';

export type ExportFormat = 'ndjson' | 'csv';

export class ExportAuditEventsDto extends AuditFilterDto {
  /** `ndjson` (default): one event per line, as `GET /v1/audit/events` shows it. `csv`: RFC 4180 with a header row. */
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: ExportFormat;
}
