import { IsIn, IsOptional, IsRFC3339, IsString, MaxLength, MinLength } from 'class-validator';
import type { ActorType } from '@/modules/audit/audit-chain';

export class AuditFilterDto {
  /** Exact action, e.g. `grant.activated`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  action?: string;

  /** Exact actor id: an API key id, an approver's email, or `operator`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  actor_id?: string;

  /** Only events of this kind of actor. */
  @IsOptional()
  @IsIn(['api_key', 'approver', 'system'])
  actor_type?: ActorType;

  /** Exact target type, e.g. `grant`, `policy`, `api_key`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  target_type?: string;

  /** Exact target id. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  target_id?: string;

  /** RFC 3339 time; events at or after it. */
  @IsOptional()
  @IsRFC3339()
  since?: string;

  /** RFC 3339 time; events strictly before it. */
  @IsOptional()
  @IsRFC3339()
  until?: string;
}
