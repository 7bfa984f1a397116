import { AccessTripleDto } from '@/modules/entities/dto/access-triple.dto';

/** The body of `POST /v1/access/check`, for the OpenAPI document (CheckAccessPipe applies the same rules). */
export class CheckAccessDto extends AccessTripleDto {}
