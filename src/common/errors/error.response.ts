import { ApiProperty } from '@nestjs/swagger';
import { ErrorBody, ErrorCode, STATUS_BY_CODE } from './domain-error';

/** `fields` maps each offending field name or JSON pointer to its messages; named extras sit beside it. */
export class ErrorDetailsResponse {
  @ApiProperty({ required: false, type: Object, additionalProperties: { type: 'array', items: { type: 'string' } } })
  fields?: Record<string, string[]>;
  /** Named extras: `max_duration_seconds`, `prompt`, `grant_id`, `evaluation_errors`, ... */
  [extra: string]: unknown;
}

/** The one error shape of every `4xx` and `5xx` JSON answer (README "Errors"), as `toErrorResponse` builds it. */
export class ErrorResponse implements ErrorBody {
  @ApiProperty({ enum: Object.keys(STATUS_BY_CODE) })
  code!: ErrorCode;
  message!: string;
  details?: ErrorDetailsResponse;
  /** Notices of the rules that decided, on a denial. */
  notices?: string[];
}
