import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ApprovalGroupDto } from './approval-group.dto';
import { IfPresent } from '@/common/http/validation';
import { RuleInputDto } from './rule-input.dto';

const MAX_SECONDS = 31_536_000;

export class CreatePolicyDto {
  /** Policy name. */
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  /** Optional description. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  /** Whether the policy takes part in decisions (default true). */
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;

  /** Higher values evaluated first; lower priorities cannot override higher priority decisions (default 0). */
  @IfPresent()
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  priority?: number;

  /** Maximum allowed grant duration in seconds. */
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  max_duration_seconds!: number;

  /** Default grant duration if not specified in the request; at most max_duration_seconds. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  default_duration_seconds?: number | null;

  /** Name of one of the tenant's notification channels. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  notification_channel?: string | null;

  /** Whether an allowed request waits for approval (default false). */
  @IfPresent()
  @IsBoolean()
  approval_required?: boolean;

  /** Every group must be satisfied for a request to be approved. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ApprovalGroupDto)
  approval_groups?: ApprovalGroupDto[];

  /** Whether requests must carry a justification (default false). */
  @IfPresent()
  @IsBoolean()
  purpose_justification_required?: boolean;

  /** The question shown to requesters when a justification is required. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  purpose_justification_prompt?: string | null;

  /** How long a request may wait for approval, in seconds (default 86400). */
  @IfPresent()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  approval_timeout_seconds?: number;

  /** The policy's rules (default none). */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RuleInputDto)
  rules?: RuleInputDto[];
}
