import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreateEmailListDto } from './dto/create-email-list.dto';
import { EmailListPageResponse, EmailListResponse } from './dto/email-list.response';
import { UpdateEmailListDto } from './dto/update-email-list.dto';
import { EmailListsService } from './email-lists.service';

@ApiTags('email-lists')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/email-lists')
@Roles('admin')
export class EmailListsController {
  constructor(private readonly service: EmailListsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an email list of approvers' })
  @ApiErrors(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateEmailListDto): Promise<EmailListResponse> {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List email lists, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: PageQuery): Promise<EmailListPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'An email list' })
  @ApiErrors(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<EmailListResponse> {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change an email list' })
  @ApiErrors(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateEmailListDto): Promise<EmailListResponse> {
    return this.service.update(auth.tenantId, id, dto, keyActor(auth));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an email list no policy refers to' })
  @ApiErrors(400, 404, 409)
  remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.service.remove(auth.tenantId, id, keyActor(auth));
  }
}
