import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { AccessTripleDto } from '@/modules/entities/dto/access-triple.dto';
import { IfPresent, IsCedarContext } from '@/common/http/validation';

export class SimulateDto extends AccessTripleDto {
  /** Extra Cedar context; `duration_seconds`, `justification` and `requested_at` are always set by the service. */
  @IfPresent()
  @IsCedarContext()
  context?: Record<string, unknown>;

  /** Requested duration; without it the governing policy's default (else its maximum) applies. */
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  duration_seconds?: number;

  /** Justification the request would carry (context.justification); empty when omitted. */
  @IfPresent()
  @IsString()
  @MaxLength(2000)
  justification?: string;
}
