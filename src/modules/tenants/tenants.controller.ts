import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Operator } from '@/common/auth/roles';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { CreateApiKeyDto } from '@/modules/api-keys/dto/create-api-key.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants (operator)')
@ApiSecurity('api-key')
@Controller('v1/tenants')
@Operator()
export class TenantsController {
  constructor(private readonly service: TenantsService) {}

  @Post()
  create(@Body() dto: CreateTenantDto) {
    return this.service.create(dto.name);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.service.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string) {
    return this.service.get(id);
  }

  @Post(':id/api-keys')
  createApiKey(@Param('id', UuidPipe) id: string, @Body() dto: CreateApiKeyDto) {
    return this.service.createApiKey(id, dto);
  }
}
