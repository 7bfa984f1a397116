import { Module } from '@nestjs/common';
import { EntitiesController } from './entities.controller';
import { EntitiesRepository } from './entities.repository';
import { EntitiesService } from './entities.service';
import { EntityBatchPipe } from './entity-batch.pipe';

@Module({
  controllers: [EntitiesController],
  providers: [EntitiesRepository, EntitiesService, EntityBatchPipe],
})
export class EntitiesModule {}
