import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { PageQuery } from '@/common/http/pagination';
import { bound } from '@/modules/grants/requester-binding';
import { MyApprovals } from './my-approvals.service';

@ApiTags('me')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/me/approvals')
export class MyApprovalsController {
  constructor(private readonly service: MyApprovals) {}

  @Get()
  @Roles('admin', 'approver')
  @ApiOperation({ summary: 'Requests waiting for the caller\'s decision' })
  list(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.service.waitingFor(auth.tenantId, bound(auth).subjectEmail, query);
  }
}
