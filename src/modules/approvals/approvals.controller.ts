import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { ApprovalsService } from './approvals.service';
import { GrantResponse } from '@/modules/grants/dto/grant.response';
import { CreateApprovalDto } from './dto/create-approval.dto';

@ApiTags('grants')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/grants')
export class ApprovalsController {
  constructor(private readonly service: ApprovalsService) {}

  /** Records an approver's decision, by the same rules as the personal link; answers the grant as it now stands. */
  @Post(':id/approvals')
  @Roles('admin', 'approver')
  @HttpCode(201)
  @ApiOperation({ summary: 'Approve or deny a grant or its pending extension' })
  @ApiErrors(400, 404, 409)
  decide(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CreateApprovalDto): Promise<GrantResponse> {
    return this.service.decideByKey(auth, id, dto);
  }
}
