import { ApiProperty } from '@nestjs/swagger';
import type { CedarSchemaValue } from '@/infra/cedar/cedar-types';

/** The tenant's Cedar schema, in the form it was given (Cedar text or JSON). */
export class SchemaResponse {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] })
  schema!: CedarSchemaValue;
  updated_at!: string;
}
