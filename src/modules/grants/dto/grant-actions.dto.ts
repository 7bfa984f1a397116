import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class RevokeGrantDto {
  /** Why the access is taken away; kept on the grant and in the audit trail. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;
}

export class ExtendGrantDto {
  /** Seconds to add; the total must stay within the governing policy's maximum. */
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  duration_seconds!: number;

  /** Why more time is needed: `context.justification` of the extension's decision (the grant's own when omitted). */
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  justification?: string;
}
