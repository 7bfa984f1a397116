import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { SimulateDto } from './dto/simulate.dto';
import { SimulateService } from './simulate.service';

@ApiTags('policies')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/policies/simulate')
export class SimulateController {
  constructor(private readonly service: SimulateService) {}

  /** The decision a request would get, without creating anything. */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'requester', 'auditor')
  simulate(@Auth() auth: AuthContext, @Body() dto: SimulateDto) {
    return this.service.simulate(auth, dto);
  }
}
