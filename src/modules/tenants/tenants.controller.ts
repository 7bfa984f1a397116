import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Operator } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { CreatedApiKeyResponse } from '@/modules/api-keys/dto/api-key.response';
import { CreateApiKeyDto } from '@/modules/api-keys/dto/create-api-key.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantPageResponse, TenantResponse } from './dto/tenant.response';
import { TenantsService } from './tenants.service';

@ApiTags('tenants (operator)')
@ApiSecurity('api-key')
@ApiErrors(401, 403, 429)
@Controller('v1/tenants')
@Operator()
export class TenantsController {
  constructor(private readonly service: TenantsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant (operator key)' })
  @ApiErrors(400)
  create(@Body() dto: CreateTenantDto): Promise<TenantResponse> {
    return this.service.create(dto.name);
  }

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'List tenants, newest first (operator key)' })
  @ApiErrors(400)
  list(@Query() query: PageQuery): Promise<TenantPageResponse> {
    return this.service.list(query);
  }

  @Get(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'A tenant (operator key)' })
  @ApiErrors(400, 404)
  get(@Param('id', UuidPipe) id: string): Promise<TenantResponse> {
    return this.service.get(id);
  }

  @Post(':id/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key of a tenant, its secret shown this once (operator key)' })
  @ApiErrors(400, 404)
  createApiKey(@Param('id', UuidPipe) id: string, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    return this.service.createApiKey(id, dto);
  }
}
