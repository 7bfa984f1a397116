import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreatePolicyDto } from './dto/create-policy.dto';
import { PolicyPageResponse, PolicyResponse } from './dto/policy.response';
import { UpdatePolicyDto } from './dto/update-policy.dto';
import { PoliciesService } from './policies.service';

@ApiTags('policies')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly service: PoliciesService) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a policy with its Cedar rules' })
  @ApiErrors(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreatePolicyDto): Promise<PolicyResponse> {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List policies, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: PageQuery): Promise<PolicyPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':policyId')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'A policy with its rules' })
  @ApiErrors(400, 404)
  get(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string): Promise<PolicyResponse> {
    return this.service.get(auth.tenantId, policyId);
  }

  @Patch(':policyId')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a policy\'s settings' })
  @ApiErrors(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Body() dto: UpdatePolicyDto): Promise<PolicyResponse> {
    return this.service.update(auth.tenantId, policyId, dto, keyActor(auth));
  }

  @Delete(':policyId')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a policy and its rules' })
  @ApiErrors(400, 404)
  remove(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string): Promise<void> {
    return this.service.remove(auth.tenantId, policyId, keyActor(auth));
  }
}
