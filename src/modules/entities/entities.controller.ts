import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { keyActor } from '@/modules/audit/actors';
import { EntityBatchResponse, EntityPageResponse } from './dto/entity.response';
import { ListEntitiesQuery } from './dto/list-entities.dto';
import { UpsertEntityDto } from './dto/upsert-entity.dto';
import { EntitiesService } from './entities.service';
import { EntityBatchPipe } from './entity-batch.pipe';

@ApiTags('entities')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/entities')
export class EntitiesController {
  constructor(private readonly service: EntitiesService) {}

  /** Bulk upsert of up to 1000 entities in Cedar's JSON entity format. */
  @Put()
  @Roles('admin')
  @ApiBody({ type: [UpsertEntityDto] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or replace up to 1000 Cedar entities' })
  @ApiErrors(400, 409, 413)
  upsert(@Auth() auth: AuthContext, @Body(EntityBatchPipe) entities: UpsertEntityDto[]): Promise<EntityBatchResponse> {
    return this.service.upsert(auth.tenantId, entities, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List entities by type, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: ListEntitiesQuery): Promise<EntityPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Delete(':type/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an entity' })
  @ApiErrors(400, 404)
  remove(@Auth() auth: AuthContext, @Param('type') type: string, @Param('id') id: string): Promise<void> {
    return this.service.remove(auth.tenantId, type, id, keyActor(auth));
  }
}
