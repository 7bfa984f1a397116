import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { keyActor } from '@/modules/audit/actors';
import { ListEntitiesQuery } from './dto/list-entities.dto';
import { UpsertEntityDto } from './dto/upsert-entity.dto';
import { EntitiesService } from './entities.service';
import { EntityBatchPipe } from './entity-batch.pipe';

@ApiTags('entities')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/entities')
export class EntitiesController {
  constructor(private readonly service: EntitiesService) {}

  /** Bulk upsert of up to 1000 entities in Cedar's JSON entity format. */
  @Put()
  @Roles('admin')
  @ApiBody({ type: [UpsertEntityDto] })
  upsert(@Auth() auth: AuthContext, @Body(EntityBatchPipe) entities: UpsertEntityDto[]) {
    return this.service.upsert(auth.tenantId, entities, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  list(@Auth() auth: AuthContext, @Query() query: ListEntitiesQuery) {
    return this.service.list(auth.tenantId, query);
  }

  @Delete(':type/:id')
  @Roles('admin')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('type') type: string, @Param('id') id: string) {
    return this.service.remove(auth.tenantId, type, id, keyActor(auth));
  }
}
