import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { CreateGrantDto } from './dto/create-grant.dto';
import { ExtendGrantDto, RevokeGrantDto } from './dto/grant-actions.dto';
import { ListGrantsQuery } from './dto/list-grants.dto';
import { GrantsService } from './grants.service';

@ApiTags('grants')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/grants')
export class GrantsController {
  constructor(private readonly service: GrantsService) {}

  @Post()
  @Roles('admin', 'requester')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (24 h) returns the first response' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateGrantDto, @Headers('idempotency-key') key?: string) {
    return this.service.request(auth, dto, key);
  }

  @Get()
  @Roles('admin', 'requester', 'approver', 'auditor')
  list(@Auth() auth: AuthContext, @Query() query: ListGrantsQuery) {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':id')
  @Roles('admin', 'requester', 'approver', 'auditor')
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.get(auth.tenantId, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin', 'requester')
  cancel(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.cancel(auth, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('admin')
  revoke(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: RevokeGrantDto) {
    return this.service.revoke(auth, id, dto);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles('admin', 'requester')
  extend(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: ExtendGrantDto) {
    return this.service.extend(auth, id, dto);
  }
}
