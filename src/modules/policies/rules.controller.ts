import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { PolicyResponse, RuleResponse } from './dto/policy.response';
import { ReorderRulesDto } from './dto/reorder-rules.dto';
import { RuleInputDto } from './dto/rule-input.dto';
import { UpdateRuleDto } from './dto/update-rule.dto';
import { RulesService } from './rules.service';

@ApiTags('policies')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/policies/:policyId/rules')
@Roles('admin')
export class RulesController {
  constructor(private readonly service: RulesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a Cedar rule to a policy' })
  @ApiErrors(400, 404, 409)
  create(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Body() dto: RuleInputDto): Promise<RuleResponse> {
    return this.service.create(auth.tenantId, policyId, dto, keyActor(auth));
  }

  @Patch('reorder')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put a policy\'s rules in a new order' })
  @ApiErrors(400, 404, 409)
  reorder(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Body() dto: ReorderRulesDto): Promise<PolicyResponse> {
    return this.service.reorder(auth.tenantId, policyId, dto, keyActor(auth));
  }

  @Patch(':ruleId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a rule' })
  @ApiErrors(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Param('ruleId', UuidPipe) ruleId: string, @Body() dto: UpdateRuleDto): Promise<RuleResponse> {
    return this.service.update(auth.tenantId, policyId, ruleId, dto, keyActor(auth));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule' })
  @ApiErrors(400, 404)
  remove(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Param('ruleId', UuidPipe) ruleId: string): Promise<void> {
    return this.service.remove(auth.tenantId, policyId, ruleId, keyActor(auth));
  }
}
