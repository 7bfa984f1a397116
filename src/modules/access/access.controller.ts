import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { AccessService } from './access.service';
import { CheckAccessDto } from './dto/check-access.dto';

@ApiTags('access')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/access')
export class AccessController {
  constructor(private readonly service: AccessService) {}

  /** Is this access granted right now? Served from memory. */
  @Post('check')
  @HttpCode(200)
  @Roles('admin', 'requester', 'approver', 'auditor')
  check(@Auth() auth: AuthContext, @Body() dto: CheckAccessDto) {
    return this.service.check(auth.tenantId, dto);
  }
}
