import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { CedarSchemaRepository, SchemaRecord } from './cedar-schema.repository';

/** What other modules may read of the tenant's Cedar schema: validation of rules and entities, the engine's snapshot. */
@Injectable()
export class SchemaReads {
  constructor(private readonly schemas: CedarSchemaRepository) {}

  find(tenantId: string, tx?: Tx): Promise<SchemaRecord | null> {
    return this.schemas.find(tenantId, tx);
  }
}
