import { Injectable } from '@nestjs/common';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import type { Decision } from '@/modules/decisions/decision.types';
import { buildContext, effectiveDuration } from '@/modules/decisions/request-rules';
import { SimulateDto } from './dto/simulate.dto';
import { SimulationView, toSimulationView } from './simulation';

@Injectable()
export class SimulateService {
  constructor(private readonly engine: PolicyEngine) {}

  /**
   * The decision a grant request would get, storing nothing. Without a requested duration the governing policy's
   * default applies, which is known only after a first evaluation: the request is evaluated again with it (as
   * the grants module does), and that second answer stands.
   */
  async simulate(tenantId: string, dto: SimulateDto): Promise<SimulationView> {
    const now = new Date();
    const evaluate = (duration: number): Promise<Decision> =>
      this.engine.evaluate(tenantId, {
        principal: { type: dto.principal.type, id: dto.principal.id },
        action: { type: dto.action.type, id: dto.action.id },
        resource: { type: dto.resource.type, id: dto.resource.id },
        context: buildContext(dto.context, duration, dto.justification, now),
      });
    let decision = await evaluate(dto.duration_seconds ?? 0);
    if (decision.decision === 'allow' && decision.policy && dto.duration_seconds === undefined) {
      decision = await evaluate(effectiveDuration(undefined, decision.policy));
    }
    if (decision.decision === 'deny' || !decision.policy) return toSimulationView(decision, dto.duration_seconds ?? null);
    return toSimulationView(decision, effectiveDuration(dto.duration_seconds, decision.policy));
  }
}
