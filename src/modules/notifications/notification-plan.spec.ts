import type { GrantRecord } from '@/modules/grants/grant.types';
import { approversOf, expiryNoticeAt, planTransition } from './notification-plan';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

const grant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  id: 'g1',
  tenantId: 't1',
  status: 'pending_approval',
  principal: { type: 'User', id: 'alice@example.com' },
  action: { type: 'Action', id: 'ssh' },
  resource: { type: 'Host', id: 'db' },
  durationSeconds: 3600,
  justification: null,
  requesterEmail: 'alice@example.com',
  context: {},
  policyId: 'p1',
  determiningRuleIds: [],
  notices: [],
  auditSession: false,
  policySetVersion: null,
  approvalGroups: [
    { approvals_needed: 1, members: ['Bob@example.com', 'alice@example.com'] },
    { approvals_needed: 1, members: ['bob@example.com', 'carol@example.com'] },
  ],
  maxDurationSeconds: null,
  approvalDeadline: null,
  createdAt: at(0),
  activatedAt: null,
  expiresAt: null,
  endedAt: null,
  endedReason: null,
  approvals: [],
  extensions: [],
  ...overrides,
});

const approved = { approverEmail: 'bob@example.com', decision: 'approve' as const, comment: null, decidedAt: at(5) };

describe('planTransition', () => {
  it('lists each approver once, never the requester', () => {
    expect(approversOf(grant())).toEqual(['bob@example.com', 'carol@example.com']);
  });

  it('a pending request: links for approvers, grant.requested for the channel, nothing for the requester', () => {
    expect(planTransition(grant(), 'grant.requested')).toEqual({
      channelEvents: ['grant.requested'],
      approvers: ['bob@example.com', 'carol@example.com'],
      round: 0,
      requesterEvent: null,
      scheduleExpiryNotice: false,
    });
  });

  it('an activation by approval is also grant.approved; an instant one is only grant.activated (grant.requested is its own event)', () => {
    const byApproval = planTransition(grant({ status: 'active', approvals: [approved] }), 'grant.activated');
    expect(byApproval).toMatchObject({ channelEvents: ['grant.approved', 'grant.activated'], requesterEvent: 'grant.activated', scheduleExpiryNotice: true });
    const instant = planTransition(grant({ status: 'active', approvalGroups: [] }), 'grant.activated');
    expect(instant).toMatchObject({ channelEvents: ['grant.activated'], approvers: [] });
    expect(planTransition(grant({ status: 'active', approvalGroups: [] }), 'grant.requested')).toMatchObject({ channelEvents: ['grant.requested'], approvers: [] });
  });

  it('tells the requester of a denial after waiting (approver, policy change) but not of one when asked (answered 403)', () => {
    const byApprover = grant({ status: 'denied', approvalDeadline: at(100), approvals: [{ ...approved, decision: 'deny' }] });
    expect(planTransition(byApprover, 'grant.denied')).toMatchObject({ channelEvents: ['grant.denied'], requesterEvent: 'grant.denied' });
    expect(planTransition(grant({ status: 'denied', approvalDeadline: at(100) }), 'grant.denied').requesterEvent).toBe('grant.denied');
    expect(planTransition(grant({ status: 'denied' }), 'grant.denied')).toMatchObject({ channelEvents: ['grant.denied'], requesterEvent: null });
  });

  it('extension re-times the notice; no requester email without an address', () => {
    expect(planTransition(grant({ status: 'active' }), 'grant.extended')).toEqual({
      channelEvents: ['grant.extended'],
      approvers: [],
      round: 0,
      requesterEvent: null,
      scheduleExpiryNotice: true,
    });
    expect(planTransition(grant({ status: 'expired', requesterEmail: null }), 'grant.expired').requesterEvent).toBeNull();
  });

  it('an extension waiting for approval sends links for its round to its own groups', () => {
    const extension = {
      id: 'e1',
      round: 2,
      addedSeconds: 600,
      status: 'pending' as const,
      justification: null,
      approvalGroups: [{ approvals_needed: 1, members: ['dave@example.com', 'alice@example.com'] }],
      policyId: 'p1',
      determiningRuleIds: [],
      approvalDeadline: at(500),
      createdAt: at(10),
      endedAt: null,
      endedReason: null,
      approvals: [],
    };
    expect(planTransition(grant({ status: 'active', extensions: [extension] }), 'grant.extension_requested')).toMatchObject({
      channelEvents: ['grant.extension_requested'],
      approvers: ['dave@example.com'],
      round: 2,
    });
  });
});

describe('expiryNoticeAt', () => {
  const active = grant({ status: 'active', activatedAt: at(0), expiresAt: at(100) });
  it('is the lead before expiry, or now when that has passed', () => {
    expect(expiryNoticeAt(active, 30, at(10))).toEqual(at(70));
    expect(expiryNoticeAt(active, 30, at(80))).toEqual(at(80));
  });
  it('is null when the window is no longer than the lead, the lead is 0, or it already expired', () => {
    expect(expiryNoticeAt(active, 100, at(0))).toBeNull();
    expect(expiryNoticeAt(active, 0, at(0))).toBeNull();
    expect(expiryNoticeAt(active, 30, at(100))).toBeNull();
  });
});
