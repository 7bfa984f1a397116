import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreateNotificationChannelDto } from './dto/create-notification-channel.dto';
import { NotificationChannelPageResponse, NotificationChannelResponse } from './dto/notification-channel.response';
import { UpdateNotificationChannelDto } from './dto/update-notification-channel.dto';
import { NotificationChannelsService } from './notification-channels.service';

@ApiTags('notification-channels')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/notification-channels')
@Roles('admin')
export class NotificationChannelsController {
  constructor(private readonly service: NotificationChannelsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an email, Slack or webhook notification channel' })
  @ApiErrors(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateNotificationChannelDto): Promise<NotificationChannelResponse> {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List notification channels, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: PageQuery): Promise<NotificationChannelPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'A notification channel' })
  @ApiErrors(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<NotificationChannelResponse> {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a notification channel' })
  @ApiErrors(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateNotificationChannelDto): Promise<NotificationChannelResponse> {
    return this.service.update(auth.tenantId, id, dto, keyActor(auth));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a notification channel' })
  @ApiErrors(400, 404, 409)
  remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.service.remove(auth.tenantId, id, keyActor(auth));
  }
}
