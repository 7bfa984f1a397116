import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalPageController } from './approval-page.controller';
import { ApprovalPageService } from './approval-page.service';
import { ApprovalSignIn } from './approval-sign-in';
import { IdentityModule } from '@/modules/identity/identity.module';
import { TenantsModule } from '@/modules/tenants/tenants.module';
import { ApprovalTokensService } from './approval-tokens.service';
import { ApprovalsController } from './approvals.controller';
import { ApprovalTokensRepository } from './approval-tokens.repository';
import { ApprovalsService } from './approvals.service';
import { MyApprovalsController } from './my-approvals.controller';
import { ServiceSecretsRepository } from './service-secrets.repository';
import { MyApprovals } from './my-approvals.service';

@Module({})
export class ApprovalsModule {
  /** `grants`: the application's own GrantsModule instance, so transitions and their listeners are shared. */
  static register(grants: DynamicModule): DynamicModule {
    return {
      module: ApprovalsModule,
      imports: [grants, IdentityModule, TenantsModule],
      controllers: [ApprovalsController, ApprovalPageController, MyApprovalsController],
      providers: [ApprovalTokensRepository, ServiceSecretsRepository, ApprovalsService, ApprovalTokensService, ApprovalPageService, MyApprovals, ApprovalSignIn],
      exports: [ApprovalTokensService, ApprovalsService],
    };
  }
}
