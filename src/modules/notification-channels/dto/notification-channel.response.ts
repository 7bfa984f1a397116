import { ApiProperty } from '@nestjs/swagger';
import { GRANT_EVENTS, type GrantEventName } from '@/modules/grants/grant-events';
import { CHANNEL_TYPES, type ChannelType, type ChannelView } from '@/modules/notification-channels/notification-channel.types';

/** A notification channel; secrets never come back, only `has_url` / `has_secret` flags in `config`. */
export class NotificationChannelResponse implements ChannelView {
  id!: string;
  name!: string;
  @ApiProperty({ enum: CHANNEL_TYPES })
  type!: ChannelType;
  /** `{to}` (email), `{has_url}` (slack) or `{url, has_secret}` (webhook). */
  config!: Record<string, unknown>;
  @ApiProperty({ enum: GRANT_EVENTS, isArray: true })
  event_filters!: GrantEventName[];
  created_at!: string;
  updated_at!: string;
}

export class NotificationChannelPageResponse {
  data!: NotificationChannelResponse[];
  next_cursor!: string | null;
}
