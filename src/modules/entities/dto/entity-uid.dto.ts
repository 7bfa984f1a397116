import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ENTITY_TYPE, MAX_ENTITY_ID } from '@/infra/cedar/cedar-text';

/** A Cedar entity uid: `{"type": "User", "id": "alice"}`. */
export class EntityUidDto {
  /** Cedar entity type, optionally namespaced: `User`, `Action`, `Acme::Host`. */
  @IsString()
  @MaxLength(200)
  @Matches(ENTITY_TYPE, { message: 'type must be a Cedar entity type name like User or Acme::Host' })
  type!: string;

  /** Entity id (any text, not empty). */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ENTITY_ID)
  id!: string;
}
