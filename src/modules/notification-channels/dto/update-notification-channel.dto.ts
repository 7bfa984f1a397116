import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { IfPresent } from '@/common/http/validation';
import { GRANT_EVENTS, GrantEventName } from '@/modules/grants/grant-events';


/** The type of a channel cannot change: create another channel instead. */
export class UpdateNotificationChannelDto {
  /** New name; refused while a policy refers to the channel by its current name. */
  @IfPresent()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string;

  /** Settings to change; keys not given (such as the write-only secret) are kept. */
  @IfPresent()
  @IsObject()
  config?: Record<string, unknown>;

  /** Replaces the events the channel receives. */
  @IfPresent()
  @IsArray()
  @ArrayMinSize(1, { message: 'event_filters must hold at least one event' })
  @ArrayUnique()
  @IsIn(GRANT_EVENTS, { each: true })
  event_filters?: GrantEventName[];
}
