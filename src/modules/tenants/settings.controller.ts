import { Body, Controller, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { keyActor } from '@/modules/audit/actors';
import { SettingsResponse } from './dto/settings.response';
import { UpdateSettingsDto } from './dto/update-settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly service: SettingsService) {}

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'The tenant\'s settings' })
  get(@Auth() auth: AuthContext): Promise<SettingsResponse> {
    return this.service.get(auth.tenantId);
  }

  @Patch()
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the tenant\'s settings' })
  @ApiErrors(400)
  update(@Auth() auth: AuthContext, @Body() dto: UpdateSettingsDto): Promise<SettingsResponse> {
    return this.service.update(auth.tenantId, dto, keyActor(auth));
  }
}
