import { Module } from '@nestjs/common';
import { CedarSchemaController } from './cedar-schema.controller';
import { CedarSchemaRepository } from './cedar-schema.repository';
import { CedarSchemaService } from './cedar-schema.service';

@Module({
  controllers: [CedarSchemaController],
  providers: [CedarSchemaRepository, CedarSchemaService],
})
export class CedarSchemaModule {}
