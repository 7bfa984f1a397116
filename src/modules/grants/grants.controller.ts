import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { CreateGrantDto } from './dto/create-grant.dto';
import { ExtendGrantDto, RevokeGrantDto } from './dto/grant-actions.dto';
import { GrantDetailResponse, GrantPageResponse, GrantResponse } from './dto/grant.response';
import { ListGrantsQuery } from './dto/list-grants.dto';
import { GrantExtensions } from './grant-extensions.service';
import { GrantLifecycle } from './grant-lifecycle.service';
import { GrantQueries } from './grant-queries.service';
import { GrantRequests } from './grant-requests.service';

@ApiTags('grants')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
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
  @HttpCode(201)
  @ApiOperation({ summary: 'Request access: Cedar decides, the grant is active, pending approval or refused' })
  @ApiErrors(400, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (24 h) returns the first response' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateGrantDto, @Headers('idempotency-key') key?: string): Promise<GrantResponse> {
    return this.requests.request(auth, dto, key);
  }

  @Get()
  @Roles('admin', 'requester', 'approver', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List grants, newest first, by filters' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: ListGrantsQuery): Promise<GrantPageResponse> {
    return this.queries.list(auth, query);
  }

  @Get(':id')
  @Roles('admin', 'requester', 'approver', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'A grant with its timeline of audit events' })
  @ApiErrors(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<GrantDetailResponse> {
    return this.queries.get(auth, id);
  }

  @Post(':id/cancel')
  @Roles('admin', 'requester')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a grant that waits for approval' })
  @ApiErrors(400, 404, 409)
  cancel(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<GrantResponse> {
    return this.lifecycle.cancel(auth, id);
  }

  /** Ends the caller's own grant early (an active one `revoked`, a pending request `cancelled`); admins: any grant. */
  @Post(':id/release')
  @HttpCode(200)
  @Roles('admin', 'requester')
  @ApiOperation({ summary: 'Release one\'s own grant early' })
  @ApiErrors(400, 404, 409)
  release(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<GrantResponse> {
    return this.lifecycle.release(auth, id);
  }

  @Post(':id/revoke')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'End an active grant now' })
  @ApiErrors(400, 404, 409)
  revoke(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: RevokeGrantDto): Promise<GrantResponse> {
    return this.lifecycle.revoke(auth, id, dto);
  }

  /** 200 with the grant when the extension applied; 202 with `pending_extension` when it waits for approvers. */
  @Post(':id/extend')
  @Roles('admin', 'requester')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lengthen an active grant, at once or after approval' })
  @ApiErrors(400, 404, 409)
  @ApiResponse({ status: 200, type: GrantResponse, description: 'Extended: the grant with its new `expires_at`' })
  @ApiResponse({ status: 202, type: GrantResponse, description: 'Waits for approvers: the grant with its `pending_extension`' })
  async extend(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: ExtendGrantDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<GrantResponse> {
    const { grant, pending } = await this.extensions.extend(auth, id, dto);
    void reply.status(pending ? 202 : 200);
    return grant;
  }
}
