import { Controller, Get, HttpCode, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors, textContent } from '@/common/http/api-doc';
import { CSV_CONTENT_TYPE, NDJSON_CONTENT_TYPE } from './audit-event.view';
import { AuditService } from './audit.service';
import { AuditEventPageResponse, VerifyResponse } from './dto/audit-event.response';
import { ExportAuditEventsDto } from './dto/export-audit-events.dto';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

@ApiTags('audit')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/audit')
@Roles('admin', 'auditor')
export class AuditController {
  constructor(private readonly service: AuditService) {}

  @Get('events')
  @HttpCode(200)
  @ApiOperation({ summary: 'List audit events by filters, in either order' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: ListAuditEventsDto): Promise<AuditEventPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Get('events/export')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stream the matching audit events as NDJSON or CSV' })
  @ApiResponse({ status: 200, description: 'Success', content: textContent(NDJSON_CONTENT_TYPE, CSV_CONTENT_TYPE) })
  @ApiErrors(400)
  export(@Auth() auth: AuthContext, @Query() query: ExportAuditEventsDto): Promise<StreamableFile> {
    return this.service.export(auth.tenantId, query);
  }

  @Get('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the tenant\'s audit hash chain from the first event to the head' })
  verify(@Auth() auth: AuthContext): Promise<VerifyResponse> {
    return this.service.verify(auth.tenantId);
  }
}
