import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { EntityUidDto } from '@/modules/grants/dto/entity-uid.dto';

export class CheckAccessDto {
  @ValidateNested()
  @Type(() => EntityUidDto)
  principal!: EntityUidDto;

  @ValidateNested()
  @Type(() => EntityUidDto)
  action!: EntityUidDto;

  @ValidateNested()
  @Type(() => EntityUidDto)
  resource!: EntityUidDto;
}
