import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiCloudflareErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { Account } from './account.decorator';
import { AccessPolicyEnvelope, AccessPolicyListEnvelope, DeletedEnvelope } from './dto/access.response';
import { ReusablePoliciesService } from './reusable-policies.service';
import type { PageParams } from './envelope';

@ApiTags('cloudflare access')
@ApiBearerAuth()
@ApiCloudflareErrors(401, 403, 429)
@Controller('client/v4/accounts/:account_id/access/policies')
export class ReusablePoliciesController {
  constructor(private readonly service: ReusablePoliciesService) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an Access reusable policy' })
  @ApiCloudflareErrors(400)
  create(@Account() tenantId: string, @Auth() auth: AuthContext, @Body() body: unknown): Promise<AccessPolicyEnvelope> {
    return this.service.create(tenantId, body, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List Access reusable policies' })
  @ApiCloudflareErrors(400)
  list(@Account() tenantId: string, @Query() query: PageParams): Promise<AccessPolicyListEnvelope> {
    return this.service.list(tenantId, query);
  }

  @Get(':policy_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an Access reusable policy' })
  @ApiCloudflareErrors(400, 404)
  get(@Account() tenantId: string, @Param('policy_id', UuidPipe) id: string): Promise<AccessPolicyEnvelope> {
    return this.service.get(tenantId, id);
  }

  @Put(':policy_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update an Access reusable policy' })
  @ApiCloudflareErrors(400, 404)
  replace(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('policy_id', UuidPipe) id: string, @Body() body: unknown): Promise<AccessPolicyEnvelope> {
    return this.service.replace(tenantId, id, body, keyActor(auth));
  }

  @Delete(':policy_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an Access reusable policy' })
  @ApiCloudflareErrors(400, 404, 409)
  remove(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('policy_id', UuidPipe) id: string): Promise<DeletedEnvelope> {
    return this.service.remove(tenantId, id, keyActor(auth));
  }
}
