import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IfPresent } from '@/common/http/validation';

export class ApprovalGroupDto {
  /** How many distinct members of the group must approve. */
  @IsInt()
  @Min(1)
  @Max(100)
  approvals_needed!: number;

  /** Members named directly. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsEmail({}, { each: true })
  @MaxLength(320, { each: true })
  email_addresses?: string[];

  /** An email list of the tenant whose members are members of the group too. */
  @IsOptional()
  @IsUUID('all')
  email_list_uuid?: string | null;
}
