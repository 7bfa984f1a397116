import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { UuidPipe } from '@/common/http/uuid.pipe';
import { keyActor } from '@/modules/audit/actors';
import { ReorderRulesDto } from './dto/reorder-rules.dto';
import { RuleInputDto } from './dto/rule-input.dto';
import { UpdateRuleDto } from './dto/update-rule.dto';
import { RulesService } from './rules.service';

@ApiTags('policies')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/policies/:policyId/rules')
@Roles('admin')
export class RulesController {
  constructor(private readonly service: RulesService) {}

  @Post()
  create(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Body() dto: RuleInputDto) {
    return this.service.create(auth.tenantId, policyId, dto, keyActor(auth));
  }

  @Patch('reorder')
  reorder(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Body() dto: ReorderRulesDto) {
    return this.service.reorder(auth.tenantId, policyId, dto, keyActor(auth));
  }

  @Patch(':ruleId')
  update(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Param('ruleId', UuidPipe) ruleId: string, @Body() dto: UpdateRuleDto) {
    return this.service.update(auth.tenantId, policyId, ruleId, dto, keyActor(auth));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('policyId', UuidPipe) policyId: string, @Param('ruleId', UuidPipe) ruleId: string) {
    return this.service.remove(auth.tenantId, policyId, ruleId, keyActor(auth));
  }
}
