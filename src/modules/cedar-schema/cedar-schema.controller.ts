import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { keyActor } from '@/modules/audit/actors';
import { CedarSchemaService } from './cedar-schema.service';
import { PutSchemaDto } from './dto/put-schema.dto';
import { SchemaResponse } from './dto/schema.response';

@ApiTags('cedar schema')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/schema')
export class CedarSchemaController {
  constructor(private readonly service: CedarSchemaService) {}

  @Put()
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the tenant\'s Cedar schema; stored entities must conform' })
  @ApiErrors(400, 409)
  put(@Auth() auth: AuthContext, @Body() dto: PutSchemaDto): Promise<SchemaResponse> {
    return this.service.put(auth.tenantId, dto.schema, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'The tenant\'s Cedar schema' })
  @ApiErrors(404)
  get(@Auth() auth: AuthContext): Promise<SchemaResponse> {
    return this.service.get(auth.tenantId);
  }

  @Delete()
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the tenant\'s Cedar schema' })
  @ApiErrors(404)
  remove(@Auth() auth: AuthContext): Promise<void> {
    return this.service.remove(auth.tenantId, keyActor(auth));
  }
}
