import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { EntityUidDto } from './entity-uid.dto';

/** Skips the validators only when the field is absent: `null` is still refused. */
const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** One entity in Cedar's JSON entity format. */
export class UpsertEntityDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => EntityUidDto)
  uid!: EntityUidDto;

  /** Attributes as Cedar JSON values (`{"__entity": {...}}` for references, `{"__extn": {...}}` for ip/decimal). */
  @IfPresent()
  @IsObject()
  attrs?: Record<string, unknown>;

  /** Direct parents (groups); `in` follows them through every level. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => EntityUidDto)
  parents?: EntityUidDto[];
}

/** The body of `PUT /v1/entities` is a bare array; it is validated through this holder. */
export class EntityBatchDto {
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => UpsertEntityDto)
  entities!: UpsertEntityDto[];
}
