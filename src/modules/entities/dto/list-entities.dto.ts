import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ENTITY_TYPE } from '@/infra/cedar/cedar-text';
import { PageQuery } from '@/common/http/pagination';

export class ListEntitiesQuery extends PageQuery {
  /** Only entities of this type. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(ENTITY_TYPE, { message: 'type must be a Cedar entity type name like User or Acme::Host' })
  type?: string;
}
