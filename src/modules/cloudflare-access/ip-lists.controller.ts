import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiCloudflareErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { Account } from './account.decorator';
import { DeletedEnvelope } from './dto/access.response';
import { BulkOperationEnvelope, IpListEnvelope, IpListItemEnvelope, IpListItemListEnvelope, IpListListEnvelope, OperationIdEnvelope } from './dto/ip-lists.response';
import type { PageParams } from './envelope';
import { IpListItemsService, ItemPageParams } from './ip-list-items.service';
import { IpListsService } from './ip-lists.service';

@ApiTags('cloudflare lists')
@ApiBearerAuth()
@ApiCloudflareErrors(401, 403, 429)
@Controller('client/v4/accounts/:account_id/rules/lists')
export class IpListsController {
  constructor(
    private readonly lists: IpListsService,
    private readonly items: IpListItemsService,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an IP list' })
  @ApiCloudflareErrors(400, 409)
  create(@Account() tenantId: string, @Auth() auth: AuthContext, @Body() body: unknown): Promise<IpListEnvelope> {
    return this.lists.create(tenantId, body, keyActor(auth));
  }

  @Get()
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List IP lists (all in one page unless per_page is given)' })
  @ApiCloudflareErrors(400)
  list(@Account() tenantId: string, @Query() query: PageParams): Promise<IpListListEnvelope> {
    return this.lists.list(tenantId, query);
  }

  @Get('bulk_operations/:operation_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get the status of an item write (always completed)' })
  @ApiCloudflareErrors(400, 404)
  operation(@Account() tenantId: string, @Param('operation_id', UuidPipe) id: string): Promise<BulkOperationEnvelope> {
    return this.items.operation(tenantId, id);
  }

  @Get(':list_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an IP list' })
  @ApiCloudflareErrors(400, 404)
  get(@Account() tenantId: string, @Param('list_id', UuidPipe) id: string): Promise<IpListEnvelope> {
    return this.lists.get(tenantId, id);
  }

  @Put(':list_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update an IP list\'s description' })
  @ApiCloudflareErrors(400, 404)
  update(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('list_id', UuidPipe) id: string, @Body() body: unknown): Promise<IpListEnvelope> {
    return this.lists.update(tenantId, id, body, keyActor(auth));
  }

  @Delete(':list_id')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an IP list no policy or group uses' })
  @ApiCloudflareErrors(400, 404, 409)
  remove(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('list_id', UuidPipe) id: string): Promise<DeletedEnvelope> {
    return this.lists.remove(tenantId, id, keyActor(auth));
  }

  @Post(':list_id/items')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add items to an IP list' })
  @ApiCloudflareErrors(400, 404)
  addItems(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('list_id', UuidPipe) id: string, @Body() body: unknown): Promise<OperationIdEnvelope> {
    return this.items.add(tenantId, id, body, keyActor(auth));
  }

  @Put(':list_id/items')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace all items of an IP list' })
  @ApiCloudflareErrors(400, 404)
  replaceItems(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('list_id', UuidPipe) id: string, @Body() body: unknown): Promise<OperationIdEnvelope> {
    return this.items.replace(tenantId, id, body, keyActor(auth));
  }

  @Delete(':list_id/items')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete items of an IP list by id' })
  @ApiCloudflareErrors(400, 404)
  removeItems(@Account() tenantId: string, @Auth() auth: AuthContext, @Param('list_id', UuidPipe) id: string, @Body() body: unknown): Promise<OperationIdEnvelope> {
    return this.items.remove(tenantId, id, body, keyActor(auth));
  }

  @Get(':list_id/items')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'List the items of an IP list (cursor paging)' })
  @ApiCloudflareErrors(400, 404)
  listItems(@Account() tenantId: string, @Param('list_id', UuidPipe) id: string, @Query() query: ItemPageParams): Promise<IpListItemListEnvelope> {
    return this.items.list(tenantId, id, query);
  }

  @Get(':list_id/items/:item_id')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an item of an IP list' })
  @ApiCloudflareErrors(400, 404)
  getItem(@Account() tenantId: string, @Param('list_id', UuidPipe) id: string, @Param('item_id', UuidPipe) itemId: string): Promise<IpListItemEnvelope> {
    return this.items.get(tenantId, id, itemId);
  }
}
