import { Controller, Get, HttpCode, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { GrantPageResponse } from './dto/grant.response';
import { ListGrantsQuery } from './dto/list-grants.dto';
import { GrantQueries } from './grant-queries.service';
import { MeResponse, whoIs } from './me.response';
import { bound } from './requester-binding';

@ApiTags('me')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/me')
export class MeController {
  constructor(private readonly queries: GrantQueries) {}

  @Get()
  @Roles('admin', 'requester', 'approver', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Who the caller is: email, name, groups and roles' })
  me(@Auth() auth: AuthContext): MeResponse {
    return whoIs(auth);
  }

  @Get('grants')
  @Roles('admin', 'requester', 'approver', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'The caller\'s own grants (filters as GET /v1/grants)' })
  @ApiErrors(400)
  grants(@Auth() auth: AuthContext, @Query() query: ListGrantsQuery): Promise<GrantPageResponse> {
    return this.queries.listMine(bound(auth), query);
  }
}
