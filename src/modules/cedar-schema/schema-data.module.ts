import { Global, Module } from '@nestjs/common';
import { CedarSchemaRepository } from './cedar-schema.repository';
import { SchemaReads } from './schema-reads';

/** The Cedar schema feature's read model for the rest of the application. */
@Global()
@Module({
  providers: [CedarSchemaRepository, SchemaReads],
  exports: [SchemaReads],
})
export class SchemaDataModule {}
