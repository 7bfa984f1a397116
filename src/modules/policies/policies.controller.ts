import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreatePolicyDto } from './dto/create-policy.dto';
import { UpdatePolicyDto } from './dto/update-policy.dto';
import { PoliciesService } from './policies.service';

@ApiTags('policies')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly service: PoliciesService) {}

  @Post()
  @Roles('admin')
  create(@Auth() auth: AuthContext, @Body() dto: CreatePolicyDto) {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  list(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':policyId')
  @Roles('admin', 'auditor')
  get(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string) {
    return this.service.get(auth.tenantId, policyId);
  }

  @Patch(':policyId')
  @Roles('admin')
  update(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Body() dto: UpdatePolicyDto) {
    return this.service.update(auth.tenantId, policyId, dto, keyActor(auth));
  }

  @Delete(':policyId')
  @Roles('admin')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string) {
    return this.service.remove(auth.tenantId, policyId, keyActor(auth));
  }
}
