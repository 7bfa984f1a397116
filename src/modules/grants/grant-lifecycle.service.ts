import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import type { AuthContext } from '@/common/auth/roles';
import { notFound } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { keyActor } from '@/modules/audit/actors';
import type { PendingEffects } from './grant-effects';
import { GrantTransitions } from './grant-transitions';
import { GrantView, toGrantView } from './grant-view';
import { GrantsRepository } from './grants.repository';
import { RevokeGrantDto } from './dto/grant-actions.dto';
import { assertMayActOn } from './requester-binding';

/** Ending a grant early: the requester cancels a request, an admin revokes access, a policy change denies requests. */
@Injectable()
export class GrantLifecycle {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly transitions: GrantTransitions,
  ) {}

  async cancel(auth: AuthContext, id: string): Promise<GrantView> {
    await this.ownGrant(auth, id);
    const grant = await this.transitions.apply(auth.tenantId, id, {
      event: 'cancel',
      actor: keyActor(auth),
      patch: { endedAt: new Date(), endedReason: 'cancelled by requester' },
    });
    return toGrantView(grant);
  }

  /**
   * PRODUCT.md section 16: the requester ends their own grant early; an active grant ends `revoked` ("released by
   * requester"), a pending request `cancelled`. Admins may release anyone's.
   */
  async release(auth: AuthContext, id: string): Promise<GrantView> {
    const current = await this.ownGrant(auth, id);
    const now = new Date();
    const grant =
      current.status === 'pending_approval'
        ? await this.transitions.apply(auth.tenantId, id, { event: 'cancel', actor: keyActor(auth), patch: { endedAt: now, endedReason: 'cancelled by requester' } })
        : await this.transitions.apply(auth.tenantId, id, { event: 'revoke', actor: keyActor(auth), patch: { endedAt: now, endedReason: 'released by requester' }, data: { reason: 'released by requester' } });
    return toGrantView(grant);
  }

  private async ownGrant(auth: AuthContext, id: string) {
    const grant = await this.grants.find(auth.tenantId, id);
    if (!grant) throw notFound('Grant');
    assertMayActOn(auth, grant);
    return grant;
  }

  async revoke(auth: AuthContext, id: string, dto: RevokeGrantDto): Promise<GrantView> {
    const reason = dto.reason ?? 'revoked';
    const grant = await this.transitions.apply(auth.tenantId, id, {
      event: 'revoke',
      actor: keyActor(auth),
      patch: { endedAt: new Date(), endedReason: reason },
      data: { reason },
    });
    return toGrantView(grant);
  }

  /**
   * PRODUCT.md section 14: inside the transaction that disables or deletes a policy, its requests still waiting for
   * approval end `denied` (with `reason`). After commit the caller hands the result to GrantEffects.committed, so
   * requesters are told and the requests' timeout jobs removed.
   */
  async denyPendingOfPolicy(tx: Tx, tenantId: string, policyId: string, reason: string, actor: Actor): Promise<PendingEffects[]> {
    const changes: PendingEffects[] = [];
    for (const id of await this.grants.pendingOfPolicy(tx, tenantId, policyId)) {
      const change = await this.transitions.applyInTx(tx, tenantId, id, {
        event: 'deny',
        actor,
        patch: { endedAt: new Date(), endedReason: reason },
        data: { reason, policy_id: policyId },
      });
      if (change) changes.push(change);
    }
    return changes;
  }
}
