import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ApprovalGroupDto } from './approval-group.dto';
import { IfPresent, RuleInputDto } from './rule-input.dto';

const MAX_SECONDS = 31_536_000;

/** A partial change: absent fields stay as they are; a `rules` array replaces all the policy's rules. */
export class UpdatePolicyDto {
  @IfPresent()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IfPresent()
  @IsBoolean()
  enabled?: boolean;

  @IfPresent()
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  priority?: number;

  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  max_duration_seconds?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  default_duration_seconds?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  notification_channel?: string | null;

  @IfPresent()
  @IsBoolean()
  approval_required?: boolean;

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ApprovalGroupDto)
  approval_groups?: ApprovalGroupDto[];

  @IfPresent()
  @IsBoolean()
  purpose_justification_required?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  purpose_justification_prompt?: string | null;

  @IfPresent()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  approval_timeout_seconds?: number;

  /** Replaces all the policy's rules (new ids). */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => RuleInputDto)
  rules?: RuleInputDto[];
}
