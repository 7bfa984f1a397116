import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode, STATUS_BY_CODE } from './domain-error';

/** The one error shape of every `4xx` and `5xx` JSON answer (README "Errors"), as `toErrorResponse` builds it. */
export class ErrorResponse {
  @ApiProperty({ enum: Object.keys(STATUS_BY_CODE) })
  code!: ErrorCode;
  message!: string;
  /** `fields: {<json pointer or field name>: [messages]}` plus named extras (`max_duration_seconds`, `prompt`, ...). */
  details?: Record<string, unknown>;
  /** Notices of the rules that decided, on a denial. */
  notices?: string[];
}
