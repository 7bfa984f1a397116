import { Injectable } from '@nestjs/common';
import type { CedarEntity } from '@/infra/cedar/cedar-types';
import type { Tx } from '@/infra/prisma/prisma.service';
import { EntitiesRepository } from './entities.repository';

/** What other modules may read of the tenant's entities: the engine's snapshot and schema validation. */
@Injectable()
export class EntityReads {
  constructor(private readonly entities: EntitiesRepository) {}

  all(tx: Tx, tenantId: string): Promise<CedarEntity[]> {
    return this.entities.all(tx, tenantId);
  }
}
