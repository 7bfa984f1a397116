import { Module } from '@nestjs/common';
import { EmailListsController } from './email-lists.controller';
import { EmailListsRepository } from './email-lists.repository';
import { EmailListsService } from './email-lists.service';

@Module({
  controllers: [EmailListsController],
  providers: [EmailListsRepository, EmailListsService],
  exports: [EmailListsRepository, EmailListsService],
})
export class EmailListsModule {}
