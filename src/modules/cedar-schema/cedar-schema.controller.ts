import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { keyActor } from '@/modules/audit/actors';
import { CedarSchemaService } from './cedar-schema.service';
import { PutSchemaDto } from './dto/put-schema.dto';

@ApiTags('cedar schema')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/schema')
export class CedarSchemaController {
  constructor(private readonly service: CedarSchemaService) {}

  @Put()
  @Roles('admin')
  put(@Auth() auth: AuthContext, @Body() dto: PutSchemaDto) {
    return this.service.put(auth.tenantId, dto.schema, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  get(@Auth() auth: AuthContext) {
    return this.service.get(auth.tenantId);
  }

  @Delete()
  @Roles('admin')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext) {
    return this.service.remove(auth.tenantId, keyActor(auth));
  }
}
