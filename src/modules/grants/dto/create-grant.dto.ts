import { OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AccessTripleDto } from '@/modules/entities/dto/access-triple.dto';
import { EntityUidDto } from '@/modules/entities/dto/entity-uid.dto';
import { IfPresent, IsCedarContext } from '@/common/http/validation';

/** A grant request (PRODUCT.md section 4; section 16 for who may name which principal). */
export class CreateGrantDto extends OmitType(AccessTripleDto, ['principal'] as const) {
  /**
   * Who needs access. Required with a service key; with a person's token or a key bound to `subject_email` it
   * defaults to `User::"<their email>"` and may only name them.
   */
  @IfPresent()
  @IsObject()
  @ValidateNested()
  @Type(() => EntityUidDto)
  principal?: EntityUidDto;

  /** Requested length of the access window; the governing policy's default when omitted. */
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  duration_seconds?: number;

  @IfPresent()
  @IsString()
  @MaxLength(4000)
  justification?: string;

  /** Extra Cedar context; `duration_seconds`, `justification` and `requested_at` are always set by the service. */
  @IfPresent()
  @IsCedarContext()
  context?: Record<string, unknown>;

  /** Who asked: gets the outcome by email and can never approve this request. */
  @IfPresent()
  @IsEmail()
  @MaxLength(320)
  requester_email?: string;
}
