import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '@/common/http/pagination';
import type { DeliveryStatus } from '@/modules/notifications/delivery.repository';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'failed', 'skipped'];

export class ListDeliveriesQuery extends PageQuery {
  /** `failed`: the last attempt failed (retries may still be running; see `attempts`). */
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
