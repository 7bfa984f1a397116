import { Global, Module } from '@nestjs/common';
import { EntitiesRepository } from './entities.repository';
import { EntityReads } from './entity-reads';

/** The entities feature's read model for the rest of the application. */
@Global()
@Module({
  providers: [EntitiesRepository, EntityReads],
  exports: [EntityReads],
})
export class EntityDataModule {}
