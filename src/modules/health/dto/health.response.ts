import { ApiProperty } from '@nestjs/swagger';

/** The process answers. */
export class LiveResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

/** PostgreSQL and Redis answer; otherwise the answer is `503 unavailable` with `details.checks`. */
export class ReadyResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
  /** Each dependency's check (`postgres`, `redis`), all `ok`. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: ['ok'] }, example: { postgres: 'ok', redis: 'ok' } })
  checks!: Record<string, 'ok'>;
}
