import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { EntityUidDto } from './entity-uid.dto';

/** Who wants to do what to which resource: the three uids of a grant request, a simulation and an access check. */
export class AccessTripleDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => EntityUidDto)
  principal!: EntityUidDto;

  /** Type `Action` unless namespaced. */
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => EntityUidDto)
  action!: EntityUidDto;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => EntityUidDto)
  resource!: EntityUidDto;
}
