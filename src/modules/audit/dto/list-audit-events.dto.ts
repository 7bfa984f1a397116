import { IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '@/common/http/pagination';
import type { SortOrder } from '@/modules/audit/audit-event.view';
import { AuditFilterDto } from './audit-filter.dto';

export class ListAuditEventsDto extends IntersectionType(PageQuery, AuditFilterDto) {
  /** `desc` (default): newest first. `asc`: oldest first. A cursor only continues the order it came from. */
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: SortOrder;
}
