import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPageResponse, CreatedApiKeyResponse } from './dto/api-key.response';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly service: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key of the tenant; its secret is shown this once' })
  @ApiErrors(400)
  create(@Auth() auth: AuthContext, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'List the tenant\'s API keys, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: PageQuery): Promise<ApiKeyPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiErrors(400, 404, 409)
  revoke(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.service.revoke(auth.tenantId, id, keyActor(auth));
  }
}
