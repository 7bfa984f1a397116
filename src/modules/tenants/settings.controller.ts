import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { keyActor } from '@/modules/audit/actors';
import { UpdateSettingsDto } from './dto/update-settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly service: SettingsService) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'The tenant\'s settings' })
  get(@Auth() auth: AuthContext) {
    return this.service.get(auth.tenantId);
  }

  @Patch()
  @Roles('admin')
  @ApiOperation({ summary: 'Change the tenant\'s settings' })
  update(@Auth() auth: AuthContext, @Body() dto: UpdateSettingsDto) {
    return this.service.update(auth.tenantId, dto, keyActor(auth));
  }
}
