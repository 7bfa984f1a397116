import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiCloudflareErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { Account } from './account.decorator';
import { AccessAppsService } from './access-apps.service';
import { AccessAppEnvelope, AccessAppListEnvelope, DeletedEnvelope } from './dto/access.response';
import type { PageParams } from './envelope';

/** The account and zone forms address the same tenant (the zone id is the tenant id), as the SDK's `zone_id`. */
@ApiTags('cloudflare access')
@ApiBearerAuth()
@ApiCloudflareErrors(401, 403, 429)
@Controller(['client/v4/accounts/:account_id/access/apps', 'client/v4/zones/:account_id/access/apps'])
export class AccessAppsController {
  constructor(private readonly service: AccessAppsService) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an Access application' })
  @ApiCloudflareErrors(400, 409)
  create(@Account() tenantId: string, @Auth() auth: AuthContext, @Body() body: unknown): Promise<AccessAppEnvelope> {
    return this.service.create(tenantId, body, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List Access applications' })
  @ApiCloudflareErrors(400)
  list(@Account() tenantId: string, @Query() query: PageParams): Promise<AccessAppListEnvelope> {
    return this.service.list(tenantId, query);
  }

  @Get(':app_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an Access application' })
  @ApiCloudflareErrors(400, 404)
  get(@Account() tenantId: string, @Param('app_id', UuidPipe) id: string): Promise<AccessAppEnvelope> {
    return this.service.get(tenantId, id);
  }

  @Put(':app_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update an Access application' })
  @ApiCloudflareErrors(400, 404, 409)
  replace(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('app_id', UuidPipe) id: string, @Body() body: unknown): Promise<AccessAppEnvelope> {
    return this.service.replace(tenantId, id, body, keyActor(auth));
  }

  @Delete(':app_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an Access application' })
  @ApiCloudflareErrors(400, 404)
  remove(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('app_id', UuidPipe) id: string): Promise<DeletedEnvelope> {
    return this.service.remove(tenantId, id, keyActor(auth));
  }
}
