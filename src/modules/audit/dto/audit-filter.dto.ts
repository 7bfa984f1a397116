import { IsIn, IsOptional, IsRFC3339, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { ActorType } from '@/modules/audit/audit-chain';

/** PostgreSQL text cannot hold NUL, so no stored value has one: refuse it instead of failing in the database. */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NO_NUL = /^[^\u0000]*$/;
const NoNul = () => Matches(NO_NUL, { message: ({ property }) => `${property} must not contain NUL characters` });
/** PostgreSQL has no year 0 (RFC 3339's 0000 is 1 BC). */
const NotYearZero = () => Matches(/^(?!0000)/, { message: ({ property }) => `${property} must be after the year 0` });

export class AuditFilterDto {
  /** Exact action, e.g. `grant.activated`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @NoNul()
  action?: string;

  /** Exact actor id: an API key id, an approver's email, or `operator`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  @NoNul()
  actor_id?: string;

  /** Only events of this kind of actor. */
  @IsOptional()
  @IsIn(['api_key', 'approver', 'person', 'system'])
  actor_type?: ActorType;

  /** Exact target type, e.g. `grant`, `policy`, `api_key`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @NoNul()
  target_type?: string;

  /** Exact target id. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @NoNul()
  target_id?: string;

  /** RFC 3339 time; events at or after it. */
  @IsOptional()
  @IsRFC3339()
  @NotYearZero()
  since?: string;

  /** RFC 3339 time; events strictly before it. */
  @IsOptional()
  @IsRFC3339()
  @NotYearZero()
  until?: string;
}
