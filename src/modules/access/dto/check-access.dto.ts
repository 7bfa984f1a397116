import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, ValidateNested } from 'class-validator';
import { AccessTripleDto } from '@/modules/entities/dto/access-triple.dto';
import { MAX_BATCH_CHECKS } from '../check-access.pipe';

/** The body of `POST /v1/access/check`, for the OpenAPI document (CheckAccessPipe applies the same rules). */
export class CheckAccessDto extends AccessTripleDto {}

/** The body of `POST /v1/access/check/batch` (CheckAccessBatchPipe applies the same rules). */
export class CheckAccessBatchDto {
  /** 1 to 100 triples; the answers come in the same order. */
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_CHECKS)
  @ValidateNested({ each: true })
  @Type(() => CheckAccessDto)
  checks!: CheckAccessDto[];
}
