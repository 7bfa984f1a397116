import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@/common/auth/roles';
import { snapshotGroups } from '@/modules/decisions/approval-groups';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import { EmailListsService } from '@/modules/email-lists/email-lists.service';
import { identityOf } from '@/modules/grants/requester-binding';
import { SimulateDto } from './dto/simulate.dto';
import { SimulationView, toSimulationView } from './simulation';

@Injectable()
export class SimulateService {
  constructor(
    private readonly engine: PolicyEngine,
    private readonly emailLists: EmailListsService,
  ) {}

  /**
   * The decision a grant request would get (the same code as POST /v1/grants), storing nothing; for a signed-in
   * person asking about themselves, with their token's identity. Also what a portal needs to render the request
   * form: the governing policy's justification rule, durations and approval groups' sizes (PRODUCT.md section 16).
   */
  async simulate(auth: AuthContext, dto: SimulateDto): Promise<SimulationView> {
    const { decision, durationSeconds } = await this.engine.decide(auth.tenantId, {
      principal: { type: dto.principal.type, id: dto.principal.id },
      action: { type: dto.action.type, id: dto.action.id },
      resource: { type: dto.resource.type, id: dto.resource.id },
      context: dto.context,
      durationSeconds: dto.duration_seconds,
      justification: dto.justification,
      requestedAt: new Date(),
      enforceJustification: false,
      identity: identityOf(auth),
    });
    const groups = decision.policy?.approvalRequired ? decision.policy.approvalGroups : [];
    const lists = await this.emailLists.membersOf(auth.tenantId, groups.map((g) => g.email_list_uuid).filter((id): id is string => id !== null));
    const sizes = snapshotGroups(groups, lists).map((group) => ({ approvals_needed: group.approvals_needed, members_count: group.members.length }));
    return toSimulationView(decision, decision.decision === 'allow' || dto.duration_seconds !== undefined ? durationSeconds : null, sizes);
  }
}
