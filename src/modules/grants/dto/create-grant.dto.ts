import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AccessTripleDto } from '@/modules/entities/dto/access-triple.dto';
import { IsCedarContext } from '@/common/http/validation';

export class CreateGrantDto extends AccessTripleDto {
  /** Requested length of the access window; the governing policy's default when omitted. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  duration_seconds?: number;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  justification?: string;

  /** Extra Cedar context; `duration_seconds`, `justification` and `requested_at` are always set by the service. */
  @IsOptional()
  @IsCedarContext()
  context?: Record<string, unknown>;

  /** Who asked: gets the outcome by email and can never approve this request. */
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  requester_email?: string;
}
