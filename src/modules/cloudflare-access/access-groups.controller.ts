import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiCloudflareErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { Account } from './account.decorator';
import { AccessGroupsService } from './access-groups.service';
import { AccessGroupEnvelope, AccessGroupListEnvelope, DeletedEnvelope } from './dto/access.response';
import type { PageParams } from './envelope';

/** The account and zone forms address the same tenant (the zone id is the tenant id), as the SDK's `zone_id`. */
@ApiTags('cloudflare access')
@ApiBearerAuth()
@ApiCloudflareErrors(401, 403, 429)
@Controller(['client/v4/accounts/:account_id/access/groups', 'client/v4/zones/:account_id/access/groups'])
export class AccessGroupsController {
  constructor(private readonly service: AccessGroupsService) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an Access group' })
  @ApiCloudflareErrors(400)
  create(@Account() tenantId: string, @Auth() auth: AuthContext, @Body() body: unknown): Promise<AccessGroupEnvelope> {
    return this.service.create(tenantId, body, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List Access groups' })
  @ApiCloudflareErrors(400)
  list(@Account() tenantId: string, @Query() query: PageParams): Promise<AccessGroupListEnvelope> {
    return this.service.list(tenantId, query);
  }

  @Get(':group_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an Access group' })
  @ApiCloudflareErrors(400, 404)
  get(@Account() tenantId: string, @Param('group_id', UuidPipe) id: string): Promise<AccessGroupEnvelope> {
    return this.service.get(tenantId, id);
  }

  @Put(':group_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update an Access group' })
  @ApiCloudflareErrors(400, 404)
  replace(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('group_id', UuidPipe) id: string, @Body() body: unknown): Promise<AccessGroupEnvelope> {
    return this.service.replace(tenantId, id, body, keyActor(auth));
  }

  @Delete(':group_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an Access group' })
  @ApiCloudflareErrors(400, 404, 409)
  remove(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('group_id', UuidPipe) id: string): Promise<DeletedEnvelope> {
    return this.service.remove(tenantId, id, keyActor(auth));
  }
}
