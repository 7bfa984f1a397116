import { ApiProperty } from '@nestjs/swagger';

/** One notification delivery: an email, a Slack message or a webhook call, with its attempts. */
export class DeliveryResponse {
  id!: string;
  /** The deterministic delivery key (`notify/<grant>/requester/granted`, ...), also the queue's job id. */
  key!: string;
  /** `email.approver`, `email.requester`, `webhook.event`, `slack.event`, ... */
  kind!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'failed', 'skipped'] })
  status!: string;
  attempts!: number;
  last_error!: string | null;
  grant_id!: string | null;
  created_at!: string;
  run_at!: string | null;
  sent_at!: string | null;
}

export class DeliveryPageResponse {
  data!: DeliveryResponse[];
  next_cursor!: string | null;
}

export class RedeliveryResponse {
  id!: string;
  /** Always `queued`: the delivery runs again now, with a fresh set of retries. */
  status!: 'queued';
}
