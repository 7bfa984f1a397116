import { ApiProperty } from '@nestjs/swagger';
import type { CloudflareErrorBody } from '@/common/http/cloudflare-route';

/** One error of a Cloudflare error envelope: `code` an integer of at least 1000; `source.pointer` the offending field. */
export class CloudflareErrorItemResponse {
  code!: number;
  message!: string;
  source?: CloudflareErrorSourceResponse;
}

/** Where the error is: a JSON pointer into the request body or query (`/include/0/email/email`). */
export class CloudflareErrorSourceResponse {
  pointer!: string;
}

/** A notice of the rules that decided, as a Cloudflare message. */
export class CloudflareNoticeResponse {
  code!: number;
  message!: string;
}

/** The error shape of the Cloudflare Access API (`/client/v4`): our error body in Cloudflare's envelope. */
export class CloudflareErrorEnvelope implements CloudflareErrorBody {
  @ApiProperty({ enum: [false] })
  success!: false;
  errors!: CloudflareErrorItemResponse[];
  messages!: CloudflareNoticeResponse[];
  @ApiProperty({ type: 'object', properties: {}, nullable: true, description: 'Always null on an error' })
  result!: null;
}
