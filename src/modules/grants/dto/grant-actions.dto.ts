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
}
