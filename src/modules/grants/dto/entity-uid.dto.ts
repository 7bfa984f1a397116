import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class EntityUidDto {
  /** Cedar entity type, optionally namespaced: `User`, `Action`, `Acme::Host`. */
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$/, { message: 'type must be a Cedar entity type name' })
  type!: string;

  /** Entity id (any text). */
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  id!: string;
}
