import { DomainError } from '@/common/errors/domain-error';
import type { Decision } from './decision.types';

/** A decision was made on an older policy set than the one committed: decide again (409 if it keeps happening). */
export class StalePolicySet extends DomainError {
  constructor(readonly tenantId: string) {
    super('conflict', 'The policies changed while deciding this request; send it again');
  }
}

/**
 * Inside the transaction that acts on a decision, with the tenant's counters read under a share lock
 * (TenantStateRepository.lockShared): throws StalePolicySet unless the decision was made on exactly the committed
 * policy set, so nothing starts or lengthens access on a policy set that is no longer current (PRODUCT.md 14).
 */
export function assertCurrent(tenantId: string, decision: Decision, committedVersion: bigint): void {
  if (decision.policySetVersion !== committedVersion) throw new StalePolicySet(tenantId);
}

const ATTEMPTS = 3;

/** Runs `attempt` again (after `refresh`) while it finds its decision stale; the last failure is rethrown. */
export async function withCurrentDecision<T>(attempt: () => Promise<T>, refresh: (tenantId: string) => void): Promise<T> {
  for (let i = 1; ; i += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StalePolicySet) || i >= ATTEMPTS) throw error;
      refresh(error.tenantId);
    }
  }
}
