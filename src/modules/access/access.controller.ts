import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { HOT_ROUTE } from '@/common/http/hot-routes';
import { AccessService } from './access.service';
import { AccessQuery, CheckAccessBatchPipe, CheckAccessPipe } from './check-access.pipe';
import { AccessBatchResponse, AccessResponse } from './dto/access.response';
import { CheckAccessBatchDto, CheckAccessDto } from './dto/check-access.dto';

@ApiTags('access')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/access')
export class AccessController {
  constructor(private readonly service: AccessService) {}

  /** Is this access granted right now? Served from memory. */
  @Post('check')
  @HttpCode(200)
  @RouteConfig(HOT_ROUTE)
  @Roles('admin', 'requester', 'approver', 'auditor', 'checker')
  @ApiOperation({ summary: 'Is this access granted right now?' })
  @ApiBody({ type: CheckAccessDto })
  @ApiOkResponse({ type: AccessResponse })
  @ApiErrors(400)
  check(@Auth() auth: AuthContext, @Body(CheckAccessPipe) query: AccessQuery): AccessResponse | Promise<AccessResponse> {
    return this.service.check(auth.tenantId, query);
  }

  /** Up to 100 checks at once (for proxies), one answer per triple in order, with the same rules as `check`. */
  @Post('check/batch')
  @HttpCode(200)
  @RouteConfig(HOT_ROUTE)
  @Roles('admin', 'requester', 'approver', 'auditor', 'checker')
  @ApiOperation({ summary: 'Are these accesses granted right now? (up to 100)' })
  @ApiBody({ type: CheckAccessBatchDto })
  @ApiErrors(400)
  async checkBatch(@Auth() auth: AuthContext, @Body(CheckAccessBatchPipe) queries: AccessQuery[]): Promise<AccessBatchResponse> {
    return { results: await this.service.checkMany(auth.tenantId, queries) };
  }
}
