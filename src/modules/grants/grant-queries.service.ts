import { Injectable } from '@nestjs/common';
import { notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, pageSize, toPage } from '@/common/http/pagination';
import { AuditChainer } from '@/modules/audit/audit-chainer';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { GrantView, toGrantView } from './grant-view';
import { GrantsRepository } from './grants.repository';
import { ListGrantsQuery } from './dto/list-grants.dto';

const date = (value?: string) => (value === undefined ? undefined : new Date(value));

/** GET /v1/grants and GET /v1/grants/{id}: what auditors and requesters read. */
@Injectable()
export class GrantQueries {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly audit: AuditRepository,
    private readonly chainer: AuditChainer,
  ) {}

  /** The grant with its timeline: its audit events, oldest first (PRODUCT.md section 6). */
  async get(tenantId: string, id: string) {
    const grant = await this.grants.find(tenantId, id);
    if (!grant) throw notFound('Grant');
    await this.chainer.flush(tenantId);
    const events = await this.audit.forTarget(tenantId, 'grant', id);
    return {
      ...toGrantView(grant),
      events: events.map((e) => ({
        id: e.id,
        occurred_at: e.occurredAt.toISOString(),
        action: e.action,
        actor: { type: e.actorType, id: e.actorId, ...(e.actorEmail && { email: e.actorEmail }) },
        data: e.data,
      })),
    };
  }

  async list(tenantId: string, query: ListGrantsQuery): Promise<Page<GrantView>> {
    const limit = pageSize(query);
    const rows = await this.grants.list(
      tenantId,
      {
        principalType: query.principal_type,
        principalId: query.principal_id,
        actionId: query.action_id,
        resourceType: query.resource_type,
        resourceId: query.resource_id,
        status: query.status,
        policyId: query.policy_id,
        createdAfter: date(query.created_after),
        createdBefore: date(query.created_before),
        expiresAfter: date(query.expires_after),
        expiresBefore: date(query.expires_before),
      },
      limit + 1,
      decodeCursor(query.cursor),
    );
    return toPage(rows, limit, (grant) => toGrantView(grant));
  }
}
