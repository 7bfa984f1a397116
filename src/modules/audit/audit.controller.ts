import { Controller, Get, Query } from '@nestjs/common';
import { ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { AuditService } from './audit.service';
import { ExportAuditEventsDto } from './dto/export-audit-events.dto';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

@ApiTags('audit')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/audit')
@Roles('admin', 'auditor')
export class AuditController {
  constructor(private readonly service: AuditService) {}

  @Get('events')
  list(@Auth() auth: AuthContext, @Query() query: ListAuditEventsDto) {
    return this.service.list(auth.tenantId, query);
  }

  @Get('events/export')
  @ApiProduces('application/x-ndjson', 'text/csv')
  export(@Auth() auth: AuthContext, @Query() query: ExportAuditEventsDto) {
    return this.service.export(auth.tenantId, query);
  }

  @Get('verify')
  verify(@Auth() auth: AuthContext) {
    return this.service.verify(auth.tenantId);
  }
}
