import { Injectable } from '@nestjs/common';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import { SimulateDto } from './dto/simulate.dto';
import { SimulationView, toSimulationView } from './simulation';

@Injectable()
export class SimulateService {
  constructor(private readonly engine: PolicyEngine) {}

  /** The decision a grant request would get (the same code as POST /v1/grants), storing nothing. */
  async simulate(tenantId: string, dto: SimulateDto): Promise<SimulationView> {
    const { decision, durationSeconds } = await this.engine.decide(tenantId, {
      principal: { type: dto.principal.type, id: dto.principal.id },
      action: { type: dto.action.type, id: dto.action.id },
      resource: { type: dto.resource.type, id: dto.resource.id },
      context: dto.context,
      durationSeconds: dto.duration_seconds,
      justification: dto.justification,
      requestedAt: new Date(),
      enforceJustification: false,
    });
    return toSimulationView(decision, decision.decision === 'allow' || dto.duration_seconds !== undefined ? durationSeconds : null);
  }
}
