import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { GRANT_EVENTS, GrantEventName } from '@/modules/grants/grant-events';
import { CHANNEL_TYPES } from '../notification-channel.types';
import type { ChannelType } from '../notification-channel.types';

export class CreateNotificationChannelDto {
  /** Unique within the tenant; policies refer to the channel by this name (`notification_channel`). */
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  /** How messages are sent. */
  @IsIn(CHANNEL_TYPES)
  type!: ChannelType;

  /**
   * Per type: `email` `{to: [addresses]}`; `slack` `{url}` (the incoming-webhook URL, write-only);
   * `webhook` `{url, secret}` (`secret`, 32 to 512 characters, signs every delivery and is write-only).
   * Responses show `has_url` / `has_secret` in place of secrets.
   */
  @IsObject()
  config!: Record<string, unknown>;

  /** Events the channel receives; all of them when omitted. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'event_filters must hold at least one event (omit it to receive all events)' })
  @ArrayUnique()
  @IsIn(GRANT_EVENTS, { each: true })
  event_filters?: GrantEventName[];
}
