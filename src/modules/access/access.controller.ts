import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { NO_REQUEST_LOG } from '@/infra/logging/logger';
import { AccessService } from './access.service';
import { AccessQuery, CheckAccessPipe } from './check-access.pipe';
import { AccessResponse } from './dto/access.response';
import { CheckAccessDto } from './dto/check-access.dto';

@ApiTags('access')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/access')
export class AccessController {
  constructor(private readonly service: AccessService) {}

  /** Is this access granted right now? Served from memory. */
  @Post('check')
  @RouteConfig(NO_REQUEST_LOG)
  @Roles('admin', 'requester', 'approver', 'auditor', 'checker')
  @ApiBody({ type: CheckAccessDto })
  @HttpCode(200)
  @ApiOperation({ summary: 'Is this access granted right now?' })
  @ApiErrors(400)
  check(@Auth() auth: AuthContext, @Body(CheckAccessPipe) query: AccessQuery): Promise<AccessResponse> {
    return this.service.check(auth.tenantId, query);
  }
}
