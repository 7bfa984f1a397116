import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { CreateGrantDto } from './dto/create-grant.dto';
import { ExtendGrantDto, RevokeGrantDto } from './dto/grant-actions.dto';
import { ListGrantsQuery } from './dto/list-grants.dto';
import { GrantExtensions } from './grant-extensions.service';
import { GrantLifecycle } from './grant-lifecycle.service';
import { GrantQueries } from './grant-queries.service';
import { GrantRequests } from './grant-requests.service';

@ApiTags('grants')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/grants')
export class GrantsController {
  constructor(
    private readonly requests: GrantRequests,
    private readonly queries: GrantQueries,
    private readonly lifecycle: GrantLifecycle,
    private readonly extensions: GrantExtensions,
  ) {}

  @Post()
  @Roles('admin', 'requester')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (24 h) returns the first response' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateGrantDto, @Headers('idempotency-key') key?: string) {
    return this.requests.request(auth, dto, key);
  }

  @Get()
  @Roles('admin', 'requester', 'approver', 'auditor')
  list(@Auth() auth: AuthContext, @Query() query: ListGrantsQuery) {
    return this.queries.list(auth, query);
  }

  @Get(':id')
  @Roles('admin', 'requester', 'approver', 'auditor')
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.queries.get(auth, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin', 'requester')
  cancel(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.lifecycle.cancel(auth, id);
  }

  /** Ends the caller's own grant early (an active one `revoked`, a pending request `cancelled`); admins: any grant. */
  @Post(':id/release')
  @HttpCode(200)
  @Roles('admin', 'requester')
  @ApiOperation({ summary: 'Release one\'s own grant early' })
  release(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.lifecycle.release(auth, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('admin')
  revoke(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: RevokeGrantDto) {
    return this.lifecycle.revoke(auth, id, dto);
  }

  /** 200 with the grant when the extension applied; 202 with `pending_extension` when it waits for approvers. */
  @Post(':id/extend')
  @Roles('admin', 'requester')
  async extend(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: ExtendGrantDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { grant, pending } = await this.extensions.extend(auth, id, dto);
    void reply.status(pending ? 202 : 200);
    return grant;
  }
}
