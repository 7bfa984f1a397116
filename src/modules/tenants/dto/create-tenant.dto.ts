import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateTenantDto {
  /** Display name of the organisation. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}
