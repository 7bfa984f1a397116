import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { YAML_BODY } from '@/common/http/body-parsers';
import { keyActor } from '@/modules/audit/actors';
import { ApplyBundleQuery } from './dto/apply-bundle.query';
import { ApplyResponse, BundleResponse, PlanResponse } from './dto/bundle.response';
import { parseIfMatch, PolicyBundlesService } from './policy-bundles.service';

@ApiTags('policy-bundles')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/policy-bundles')
export class PolicyBundlesController {
  constructor(private readonly service: PolicyBundlesService) {}

  @Post('plan')
  @HttpCode(200)
  @Roles('admin')
  @RouteConfig(YAML_BODY)
  @ApiOperation({ summary: 'Validate a bundle, run its expectations, and show its diff and impact; stores nothing' })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ schema: { type: 'object' }, description: 'A policy bundle (PRODUCT.md section 17), as JSON or YAML' })
  @ApiErrors(400, 413)
  plan(@Auth() auth: AuthContext, @Body() body: unknown): Promise<PlanResponse> {
    return this.service.plan(auth.tenantId, body);
  }

  @Post('apply')
  @HttpCode(200)
  @Roles('admin')
  @RouteConfig(YAML_BODY)
  @ApiOperation({ summary: "Replace the tenant's policies with the bundle's (If-Match: the planned policy-set version)" })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ schema: { type: 'object' }, description: 'A policy bundle (PRODUCT.md section 17), as JSON or YAML' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The policy-set version the plan was made against' })
  @ApiErrors(400, 409, 413)
  apply(@Auth() auth: AuthContext, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @Query() query: ApplyBundleQuery): Promise<ApplyResponse> {
    return this.service.apply(auth.tenantId, body, parseIfMatch(ifMatch), query.on_impact ?? 'keep', keyActor(auth));
  }

  @Get('current')
  @Roles('admin', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Export the live policies, lists, channels, entities and schema as a bundle' })
  async current(@Auth() auth: AuthContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<BundleResponse> {
    const { version, bundle } = await this.service.current(auth.tenantId);
    void reply.header('etag', `"${version}"`);
    return bundle as unknown as BundleResponse;
  }
}
