import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { ApprovalsService } from './approvals.service';
import { CreateApprovalDto } from './dto/create-approval.dto';

@ApiTags('grants')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/grants')
export class ApprovalsController {
  constructor(private readonly service: ApprovalsService) {}

  /** Records an approver's decision, by the same rules as the personal link; answers the grant as it now stands. */
  @Post(':id/approvals')
  @Roles('admin', 'approver')
  decide(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CreateApprovalDto) {
    return this.service.decideByKey(auth, id, dto);
  }
}
