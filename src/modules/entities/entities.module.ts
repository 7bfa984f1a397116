import { Module } from '@nestjs/common';
import { CedarSchemaModule } from '@/modules/cedar-schema/cedar-schema.module';
import { EntitiesController } from './entities.controller';
import { EntitiesRepository } from './entities.repository';
import { EntitiesService } from './entities.service';
import { EntityBatchPipe } from './entity-batch.pipe';

@Module({
  imports: [CedarSchemaModule],
  controllers: [EntitiesController],
  providers: [EntitiesRepository, EntitiesService, EntityBatchPipe],
})
export class EntitiesModule {}
