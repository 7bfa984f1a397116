import { IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '@/common/http/pagination';
import { GRANT_STATUSES } from '@/modules/grants/grant-state';
import type { GrantStatus } from '@/modules/grants/grant-state';

export class ListGrantsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(200) principal_type?: string;
  @IsOptional() @IsString() @MaxLength(500) principal_id?: string;
  @IsOptional() @IsString() @MaxLength(500) action_id?: string;
  @IsOptional() @IsString() @MaxLength(200) resource_type?: string;
  @IsOptional() @IsString() @MaxLength(500) resource_id?: string;
  @IsOptional() @IsIn(GRANT_STATUSES) status?: GrantStatus;
  @IsOptional() @IsUUID() policy_id?: string;
  @IsOptional() @IsDateString() created_after?: string;
  @IsOptional() @IsDateString() created_before?: string;
  @IsOptional() @IsDateString() expires_after?: string;
  @IsOptional() @IsDateString() expires_before?: string;
}
