import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { DeliveriesService } from './deliveries.service';
import { DeliveryPageResponse, RedeliveryResponse } from './dto/delivery.response';
import { ListDeliveriesQuery } from './dto/list-deliveries.dto';

@ApiTags('deliveries')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly service: DeliveriesService) {}

  /** Notification deliveries, newest first; `?status=failed` for those whose last attempt failed. */
  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List notification deliveries, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: ListDeliveriesQuery): Promise<DeliveryPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  /** Runs a failed delivery again now, with fresh retries (`409 invalid_state` unless it failed). */
  @Post(':id/redeliver')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a failed delivery again now' })
  @ApiErrors(400, 404, 409)
  redeliver(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<RedeliveryResponse> {
    return this.service.redeliver(auth.tenantId, id, keyActor(auth));
  }
}
