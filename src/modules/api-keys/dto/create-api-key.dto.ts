import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES } from '@/common/auth/roles';
import type { Role } from '@/common/auth/roles';

export class CreateApiKeyDto {
  /** A label to recognise the key by. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** What the key may do. */
  @IsIn(ROLES)
  role!: Role;
}
