import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { PageQuery } from '@/common/http/pagination';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProviderPageResponse, IdentityProviderResponse } from './dto/identity-provider.response';
import { IdentityProvidersService } from './identity-providers.service';

@ApiTags('identity')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/identity-providers')
@Roles('admin')
export class IdentityProvidersController {
  constructor(private readonly service: IdentityProvidersService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Trust a token issuer (OIDC or Cloudflare Access)' })
  @ApiErrors(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateIdentityProviderDto): Promise<IdentityProviderResponse> {
    return this.service.create(auth.tenantId, dto, keyActor(auth));
  }

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'List identity providers, newest first' })
  @ApiErrors(400)
  list(@Auth() auth: AuthContext, @Query() query: PageQuery): Promise<IdentityProviderPageResponse> {
    return this.service.list(auth.tenantId, query);
  }

  @Get(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Read an identity provider' })
  @ApiErrors(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<IdentityProviderResponse> {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change an identity provider' })
  @ApiErrors(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateIdentityProviderDto): Promise<IdentityProviderResponse> {
    return this.service.update(auth.tenantId, id, dto, keyActor(auth));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop trusting an identity provider' })
  @ApiErrors(400, 404)
  remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.service.remove(auth.tenantId, id, keyActor(auth));
  }
}
