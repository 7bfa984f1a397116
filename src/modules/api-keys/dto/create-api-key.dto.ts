import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IfPresent } from '@/common/http/validation';
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

  /** The one person the key acts as: it requests only for them and decides only as them. Without it, a service key. */
  @IfPresent()
  @IsEmail()
  @MaxLength(320)
  subject_email?: string;
}
