import { IsString, Matches, MaxLength } from 'class-validator';
import { ENTITY_TYPE } from '@/infra/cedar/cedar-text';

/** A Cedar entity uid: `{"type": "User", "id": "alice"}`. */
export class EntityUidDto {
  /** Cedar entity type, optionally namespaced: `User`, `Action`, `Acme::Host`. */
  @IsString()
  @MaxLength(200)
  @Matches(ENTITY_TYPE, { message: 'type must be a Cedar entity type name like User or Acme::Host' })
  type!: string;

  /** Entity id (any text). */
  @IsString()
  @MaxLength(1000)
  id!: string;
}
