import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly service: ApiKeysService) {}

  @Post()
  create(@Auth() auth: AuthContext, @Body() dto: CreateApiKeyDto) {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  list(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.service.list(auth.tenantId, query);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.revoke(auth.tenantId, id, keyActor(auth));
  }
}
