import { ApiProperty } from '@nestjs/swagger';

/** One answer of the access check (PRODUCT.md section 10). */
export class AccessAnswerDto {
  allowed!: boolean;
  /** The active grant that allows it (the one that lasts longest), or null. */
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  grant_id!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  expires_at!: string | null;
  audit_session!: boolean;
}

/** The answers of `POST /v1/access/check/batch`, one per triple, in the order of the triples. */
export class AccessBatchAnswerDto {
  @ApiProperty({ type: [AccessAnswerDto] })
  results!: AccessAnswerDto[];
}
