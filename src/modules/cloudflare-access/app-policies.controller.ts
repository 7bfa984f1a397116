import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiCloudflareErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { Account } from './account.decorator';
import { AccessPolicyEnvelope, AccessPolicyListEnvelope, DeletedEnvelope } from './dto/access.response';
import { AppPoliciesService } from './app-policies.service';
import type { PageParams } from './envelope';

/** The account and zone forms address the same tenant (the zone id is the tenant id). */
@ApiTags('cloudflare access')
@ApiBearerAuth()
@ApiCloudflareErrors(401, 403, 429)
@Controller(['client/v4/accounts/:account_id/access/apps/:app_id/policies', 'client/v4/zones/:account_id/access/apps/:app_id/policies'])
export class AppPoliciesController {
  constructor(private readonly service: AppPoliciesService) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an Access application policy' })
  @ApiCloudflareErrors(400, 404, 409)
  create(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('app_id', UuidPipe) appId: string, @Body() body: unknown): Promise<AccessPolicyEnvelope> {
    return this.service.create(tenantId, appId, body, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List Access application policies' })
  @ApiCloudflareErrors(400, 404)
  list(@Account() tenantId: string, @Param('app_id', UuidPipe) appId: string, @Query() query: PageParams): Promise<AccessPolicyListEnvelope> {
    return this.service.list(tenantId, appId, query);
  }

  @Get(':policy_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an Access application policy' })
  @ApiCloudflareErrors(400, 404)
  get(@Account() tenantId: string, @Param('app_id', UuidPipe) appId: string, @Param('policy_id', UuidPipe) id: string): Promise<AccessPolicyEnvelope> {
    return this.service.get(tenantId, appId, id);
  }

  @Put(':policy_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update an Access application policy' })
  @ApiCloudflareErrors(400, 404, 409)
  replace(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('app_id', UuidPipe) appId: string, @Param('policy_id', UuidPipe) id: string, @Body() body: unknown): Promise<AccessPolicyEnvelope> {
    return this.service.replace(tenantId, appId, id, body, keyActor(auth));
  }

  @Delete(':policy_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an Access application policy' })
  @ApiCloudflareErrors(400, 404)
  remove(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('app_id', UuidPipe) appId: string, @Param('policy_id', UuidPipe) id: string): Promise<DeletedEnvelope> {
    return this.service.remove(tenantId, appId, id, keyActor(auth));
  }

  @Put(':policy_id/make_reusable')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Convert an Access application policy to a reusable policy' })
  @ApiCloudflareErrors(400, 404)
  makeReusable(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('app_id', UuidPipe) appId: string, @Param('policy_id', UuidPipe) id: string): Promise<AccessPolicyEnvelope> {
    return this.service.makeReusable(tenantId, appId, id, keyActor(auth));
  }
}
