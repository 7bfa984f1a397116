import { Injectable } from '@nestjs/common';
import { AuthContext, hasRole } from '@/common/auth/roles';
import { notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, pageSize, toPage } from '@/common/http/pagination';
import { AuditChainer } from '@/modules/audit/audit-chainer';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { GrantView, toGrantView } from './grant-view';
import { GrantsRepository } from './grants.repository';
import { ListGrantsQuery } from './dto/list-grants.dto';
import type { GrantRecord } from './grant.types';
import { isOwnGrant } from './requester-binding';

const date = (value?: string) => (value === undefined ? undefined : new Date(value));

/** A bound caller without the admin or auditor role sees only the grants it asked for or may decide (PRODUCT.md section 16). */
const restrictedTo = (auth: AuthContext): string | null => (auth.subjectEmail !== null && !hasRole(auth, 'admin') && !hasRole(auth, 'auditor') ? auth.subjectEmail : null);

const mayDecide = (email: string, grant: GrantRecord): boolean =>
  [...grant.approvalGroups, ...grant.extensions.flatMap((e) => e.approvalGroups)].some((group) => group.members.includes(email));

/** GET /v1/grants and GET /v1/grants/{id}: what auditors and requesters read. */
@Injectable()
export class GrantQueries {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly audit: AuditRepository,
    private readonly chainer: AuditChainer,
  ) {}

  /** The grant with its timeline: its audit events, oldest first (PRODUCT.md section 6). */
  async get(auth: AuthContext, id: string) {
    const tenantId = auth.tenantId;
    const grant = await this.grants.find(tenantId, id);
    const only = restrictedTo(auth);
    if (!grant || (only !== null && !isOwnGrant(only, grant) && !mayDecide(only, grant))) throw notFound('Grant');
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

  /** GET /v1/me/grants: the caller's own grants (asked for by them or for `User::"<their email>"`). */
  listMine(auth: AuthContext & { subjectEmail: string }, query: ListGrantsQuery): Promise<Page<GrantView>> {
    return this.list(auth, query, auth.subjectEmail);
  }

  async list(auth: AuthContext, query: ListGrantsQuery, mine: string | null = restrictedTo(auth)): Promise<Page<GrantView>> {
    const limit = pageSize(query);
    const rows = await this.grants.list(
      auth.tenantId,
      {
        ownedBy: mine ?? undefined,
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
