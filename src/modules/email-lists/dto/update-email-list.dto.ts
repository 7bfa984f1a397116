import { PartialType } from '@nestjs/swagger';
import { CreateEmailListDto } from './create-email-list.dto';

/** A partial change: a new name (unique within the tenant) and/or the members, replaced as a whole; `null` is refused. */
export class UpdateEmailListDto extends PartialType(CreateEmailListDto, { skipNullProperties: false }) {}
