import { Controller, Get, HttpCode, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { bound } from '@/modules/grants/requester-binding';
import { WaitingApprovalPageResponse } from './dto/waiting-approval.response';
import { MyApprovals } from './my-approvals.service';

@ApiTags('me')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/me/approvals')
export class MyApprovalsController {
  constructor(private readonly service: MyApprovals) {}

  @Get()
  @Roles('admin', 'approver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requests waiting for the caller\'s decision' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: PageQuery): Promise<WaitingApprovalPageResponse> {
    return this.service.waitingFor(auth.tenantId, bound(auth).subjectEmail, query);
  }
}
