import { Injectable, OnModuleInit } from '@nestjs/common';
import { Metrics } from '@/modules/metrics/metrics.registry';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { CompiledPolicySet, EngineSlots } from './compiled-policy-set';
import type { Decision, EvaluationRequest } from './decision.types';
import { decideRequest, RequestDecision, RequestInput } from './request-decision';
import { PreparsedSlots } from '@/infra/cedar/preparsed-sets';
import { ChangeFeed } from '@/modules/tenant-state/change-feed';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { PolicySetLoader } from './policy-set-loader';

const MAX_TENANTS = 5000;

interface TenantEntry {
  compiled?: CompiledPolicySet;
  /** Bumped by every invalidation: a load started before one does not count as fresh. */
  generation: number;
  stale: boolean;
  loading?: { generation: number; promise: Promise<CompiledPolicySet> };
}

/**
 * Every decision, in one place. Per tenant it keeps the enabled rules compiled at one policy-set version and
 * drops them when the version moves: at once in this process, over the InvalidationBus in the others, through
 * the change feed within the propagation bound whatever Redis did, and by comparing versions in the database on
 * every decision while neither the bus nor the feed can be trusted.
 */
@Injectable()
export class PolicyEngine implements OnModuleInit {
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly slots: EngineSlots = {
    policies: new PreparsedSlots('policies', 4096),
    schemas: new PreparsedSlots('schema', 256),
  };

  constructor(
    private readonly policySets: PolicySetLoader,
    private readonly state: TenantStateRepository,
    private readonly bus: InvalidationBus,
    private readonly feed: ChangeFeed,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.bus.on('policy-set', (message) => (message ? this.invalidate(message.tenantId) : this.invalidateAll()));
    this.feed.listen((tenantId, counters) => {
      const compiled = this.tenants.get(tenantId)?.compiled;
      if (compiled && counters.policyVersion > compiled.version) this.invalidate(tenantId);
    });
  }

  /** The decision for a request whose context already holds duration_seconds, justification and requested_at. */
  async evaluate(tenantId: string, request: EvaluationRequest): Promise<Decision> {
    const compiled = await this.compiled(tenantId);
    const decision = compiled.evaluate(request, this.slots);
    this.metrics.decisions.inc({ decision: decision.decision });
    return decision;
  }

  /** A grant request, activation or extension, with the duration it gets (see decideRequest). */
  decide(tenantId: string, input: RequestInput): Promise<RequestDecision> {
    return decideRequest((request) => this.evaluate(tenantId, request), input, async () => (await this.compiled(tenantId)).defaultDurations);
  }

  private async compiled(tenantId: string): Promise<CompiledPolicySet> {
    const entry = this.entry(tenantId);
    const cached = entry.compiled;
    if (cached) {
      if (this.bus.isLive() && this.feed.isFresh()) {
        if (!entry.stale) return cached;
      } else if ((await this.state.find(tenantId)).policyVersion <= cached.version) {
        return cached;
      }
    }
    return this.load(tenantId, entry);
  }

  private load(tenantId: string, entry: TenantEntry): Promise<CompiledPolicySet> {
    if (entry.loading && entry.loading.generation === entry.generation) return entry.loading.promise;
    const generation = entry.generation;
    const promise = this.policySets
      .load(tenantId)
      .then((data) => {
        this.feed.watch(tenantId);
        const compiled = new CompiledPolicySet(data);
        if (!entry.compiled || compiled.version >= entry.compiled.version) entry.compiled = compiled;
        if (entry.generation === generation) entry.stale = false;
        return compiled;
      })
      .finally(() => {
        if (entry.loading?.promise === promise) entry.loading = undefined;
      });
    entry.loading = { generation, promise };
    return promise;
  }

  /** Least recently used tenants are forgotten beyond MAX_TENANTS; they are compiled again when next asked. */
  private entry(tenantId: string): TenantEntry {
    const entry = this.tenants.get(tenantId) ?? { generation: 0, stale: true };
    this.tenants.delete(tenantId);
    this.tenants.set(tenantId, entry);
    if (this.tenants.size > MAX_TENANTS) this.tenants.delete(this.tenants.keys().next().value as string);
    return entry;
  }

  /** Forgets the tenant's compiled set (a decision found a newer version than the one it was made with). */
  invalidate(tenantId: string): void {
    const entry = this.tenants.get(tenantId);
    if (!entry) return;
    entry.generation += 1;
    entry.stale = true;
  }

  private invalidateAll(): void {
    for (const tenantId of this.tenants.keys()) this.invalidate(tenantId);
  }
}
