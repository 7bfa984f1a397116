import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProvidersService } from './identity-providers.service';

@ApiTags('identity')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/identity-providers')
@Roles('admin')
export class IdentityProvidersController {
  constructor(private readonly service: IdentityProvidersService) {}

  @Post()
  @ApiOperation({ summary: 'Trust a token issuer (OIDC or Cloudflare Access)' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateIdentityProviderDto) {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @ApiOperation({ summary: 'List identity providers' })
  list(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an identity provider' })
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an identity provider' })
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateIdentityProviderDto) {
    return this.service.update(auth.tenantId, id, dto, keyActor(auth));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop trusting an identity provider' })
  remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.service.remove(auth.tenantId, id, keyActor(auth));
  }
}
