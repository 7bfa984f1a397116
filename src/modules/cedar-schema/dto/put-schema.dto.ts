import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import type { CedarSchemaValue } from '@/infra/cedar/cedar-types';

const MAX_TEXT = 500_000;

@ValidatorConstraint({ name: 'cedarSchemaValue' })
class CedarSchemaValueConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value === 'string') return value.length <= MAX_TEXT;
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  defaultMessage(): string {
    return `schema must be Cedar schema text (at most ${MAX_TEXT} characters) or a Cedar JSON schema object`;
  }
}

export class PutSchemaDto {
  /** The tenant's Cedar schema, as Cedar schema text or in Cedar's JSON schema format; returned as given. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] })
  @IsDefined()
  @Validate(CedarSchemaValueConstraint)
  schema!: CedarSchemaValue;
}
