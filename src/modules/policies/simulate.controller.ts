import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { SimulateDto } from './dto/simulate.dto';
import { SimulationResponse } from './dto/simulation.response';
import { SimulateService } from './simulate.service';

@ApiTags('policies')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@ApiErrors(401, 403, 429)
@Controller('v1/policies/simulate')
export class SimulateController {
  constructor(private readonly service: SimulateService) {}

  /** The decision a request would get, without creating anything. */
  @Post()
  @Roles('admin', 'requester', 'auditor')
  @HttpCode(200)
  @ApiOperation({ summary: 'The decision a request would get, creating nothing' })
  @ApiErrors(400)
  simulate(@Auth() auth: AuthContext, @Body() dto: SimulateDto): Promise<SimulationResponse> {
    return this.service.simulate(auth, dto);
  }
}
