import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalPageController } from './approval-page.controller';
import { ApprovalPageService } from './approval-page.service';
import { ApprovalTokensService } from './approval-tokens.service';
import { ApprovalsController } from './approvals.controller';
import { ApprovalTokensRepository } from './approval-tokens.repository';
import { ApprovalsService } from './approvals.service';
import { MyApprovalsController } from './my-approvals.controller';
import { MyApprovals } from './my-approvals.service';

@Module({})
export class ApprovalsModule {
  /** `grants`: the application's own GrantsModule instance, so transitions and their listeners are shared. */
  static register(grants: DynamicModule): DynamicModule {
    return {
      module: ApprovalsModule,
      imports: [grants],
      controllers: [ApprovalsController, ApprovalPageController, MyApprovalsController],
      providers: [ApprovalTokensRepository, ApprovalsService, ApprovalTokensService, ApprovalPageService, MyApprovals],
      exports: [ApprovalTokensService, ApprovalsService],
    };
  }
}
