import { ApiProperty } from '@nestjs/swagger';
import type { BulkOperationView, IpListItemView, IpListView } from '@/modules/cloudflare-access/ip-list-views';
import { CloudflareMessageResponse, ResultInfoResponse } from './access.response';

/** An IP list (Cloudflare's Lists API, kind `ip`). */
export class IpListResponse implements IpListView {
  id!: string;
  name!: string;
  description?: string;
  @ApiProperty({ enum: ['ip'] })
  kind!: 'ip';
  num_items!: number;
  /** Access policies that inline the list (directly or through groups). */
  num_referencing_filters!: number;
  created_on!: string;
  modified_on!: string;
}

/** One address or CIDR of an IP list, in canonical form. */
export class IpListItemResponse implements IpListItemView {
  id!: string;
  ip!: string;
  comment?: string;
  created_on!: string;
  modified_on!: string;
}

/** An item write's operation: it completed before the write answered. */
export class BulkOperationResponse implements BulkOperationView {
  id!: string;
  @ApiProperty({ enum: ['completed'] })
  status!: 'completed';
  completed!: string;
}

export class OperationIdResponse {
  operation_id!: string;
}

/** `after`: the cursor of the next page; absent on the last page. */
export class ItemCursorsResponse {
  after?: string;
}

export class ItemResultInfoResponse {
  cursors!: ItemCursorsResponse;
}

class EnvelopeBase {
  success!: boolean;
  errors!: CloudflareMessageResponse[];
  messages!: CloudflareMessageResponse[];
}

export class IpListEnvelope extends EnvelopeBase {
  result!: IpListResponse;
}

export class IpListListEnvelope extends EnvelopeBase {
  result!: IpListResponse[];
  result_info!: ResultInfoResponse;
}

export class IpListItemEnvelope extends EnvelopeBase {
  result!: IpListItemResponse;
}

export class IpListItemListEnvelope extends EnvelopeBase {
  result!: IpListItemResponse[];
  result_info!: ItemResultInfoResponse;
}

export class OperationIdEnvelope extends EnvelopeBase {
  result!: OperationIdResponse;
}

export class BulkOperationEnvelope extends EnvelopeBase {
  result!: BulkOperationResponse;
}
