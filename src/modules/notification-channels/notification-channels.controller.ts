import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreateNotificationChannelDto } from './dto/create-notification-channel.dto';
import { UpdateNotificationChannelDto } from './dto/update-notification-channel.dto';
import { NotificationChannelsService } from './notification-channels.service';

@ApiTags('notification-channels')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/notification-channels')
@Roles('admin')
export class NotificationChannelsController {
  constructor(private readonly service: NotificationChannelsService) {}

  @Post()
  create(@Auth() auth: AuthContext, @Body() dto: CreateNotificationChannelDto) {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  list(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':id')
  @Roles('admin', 'auditor')
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':id')
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateNotificationChannelDto) {
    return this.service.update(auth.tenantId, id, dto, keyActor(auth));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.remove(auth.tenantId, id, keyActor(auth));
  }
}
