import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { Account } from './account.decorator';
import { AccessPolicyEnvelope, AccessPolicyListEnvelope, DeletedEnvelope } from './dto/access.response';
import { ReusablePoliciesService } from './reusable-policies.service';
import type { PageParams } from './envelope';

@ApiTags('cloudflare access')
@ApiBearerAuth()
@Controller('client/v4/accounts/:account_id/access/policies')
export class ReusablePoliciesController {
  constructor(private readonly service: ReusablePoliciesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an Access reusable policy' })
  create(@Account() tenantId: string, @Auth() auth: AuthContext, @Body() body: unknown): Promise<AccessPolicyEnvelope> {
    return this.service.create(tenantId, body, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'List Access reusable policies' })
  list(@Account() tenantId: string, @Query() query: PageParams): Promise<AccessPolicyListEnvelope> {
    return this.service.list(tenantId, query);
  }

  @Get(':policy_id')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Get an Access reusable policy' })
  get(@Account() tenantId: string, @Param('policy_id', UuidPipe) id: string): Promise<AccessPolicyEnvelope> {
    return this.service.get(tenantId, id);
  }

  @Put(':policy_id')
  @Roles('admin')
  @ApiOperation({ summary: 'Update an Access reusable policy' })
  replace(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('policy_id', UuidPipe) id: string, @Body() body: unknown): Promise<AccessPolicyEnvelope> {
    return this.service.replace(tenantId, id, body, keyActor(auth));
  }

  @Delete(':policy_id')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete an Access reusable policy' })
  remove(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('policy_id', UuidPipe) id: string): Promise<DeletedEnvelope> {
    return this.service.remove(tenantId, id, keyActor(auth));
  }
}
