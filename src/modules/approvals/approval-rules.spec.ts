import { isSelf } from '@/modules/decisions/approval-groups';
import { ApprovalCase, decideApproval, eligibility, groupProgress } from './approval-rules';

const request = (overrides: Partial<ApprovalCase> = {}): ApprovalCase => ({
  status: 'pending_approval',
  groups: [{ approvals_needed: 2, members: ['a@x.io', 'b@x.io', 'c@x.io'] }],
  requesterEmail: 'req@x.io',
  principalId: 'alice',
  approvals: [],
  ...overrides,
});

describe('approval rules', () => {
  it('refuses the requester by requester_email, case-insensitively', () => {
    const withRequester = request({ groups: [{ approvals_needed: 1, members: ['req@x.io'] }] });
    expect(decideApproval(withRequester, { approverEmail: ' REQ@x.io', decision: 'approve' })).toBe('self_approval');
    expect(decideApproval(withRequester, { approverEmail: 'req@x.io', decision: 'deny' })).toBe('self_approval');
  });

  it('refuses the principal when its id is an email, and only then', () => {
    expect(isSelf({ requesterEmail: null, principalId: 'A@X.io' }, 'a@x.io')).toBe(true);
    expect(isSelf({ requesterEmail: null, principalId: 'alice' }, 'alice')).toBe(false);
    expect(decideApproval(request({ principalId: 'b@X.IO', requesterEmail: null }), { approverEmail: 'b@x.io', decision: 'approve' })).toBe('self_approval');
  });

  it('refuses non-members, and everyone when there are no groups', () => {
    expect(decideApproval(request(), { approverEmail: 'z@x.io', decision: 'approve' })).toBe('not_a_member');
    expect(decideApproval(request(), { approverEmail: 'z@x.io', decision: 'deny' })).toBe('not_a_member');
    expect(decideApproval(request({ groups: [] }), { approverEmail: 'a@x.io', decision: 'approve' })).toBe('not_a_member');
  });

  it('checks who decides before the state, then the state, then a repeat', () => {
    expect(decideApproval(request({ status: 'active' }), { approverEmail: 'z@x.io', decision: 'approve' })).toBe('not_a_member');
    expect(decideApproval(request({ status: 'active' }), { approverEmail: 'a@x.io', decision: 'approve' })).toBe('not_pending');
    const approvals = [{ approverEmail: 'a@x.io', decision: 'approve' as const }];
    expect(decideApproval(request({ approvals }), { approverEmail: 'A@x.io', decision: 'approve' })).toBe('already_decided');
    expect(decideApproval(request({ approvals }), { approverEmail: 'a@x.io', decision: 'deny' })).toBe('already_decided');
  });

  it('stays pending until every group has its number of distinct approvers', () => {
    expect(decideApproval(request(), { approverEmail: 'a@x.io', decision: 'approve' })).toBe('recorded');
    const approvals = [{ approverEmail: 'a@x.io', decision: 'approve' as const }];
    expect(decideApproval(request({ approvals }), { approverEmail: 'b@x.io', decision: 'approve' })).toBe('approved');
  });

  it('needs every group satisfied; one approver counts in each group they belong to', () => {
    const groups = [
      { approvals_needed: 1, members: ['a@x.io', 'b@x.io'] },
      { approvals_needed: 1, members: ['b@x.io', 'c@x.io'] },
      { approvals_needed: 1, members: ['d@x.io'] },
    ];
    expect(decideApproval(request({ groups }), { approverEmail: 'b@x.io', decision: 'approve' })).toBe('recorded');
    const approvals = [{ approverEmail: 'b@x.io', decision: 'approve' as const }];
    expect(decideApproval(request({ groups, approvals }), { approverEmail: 'd@x.io', decision: 'approve' })).toBe('approved');
    expect(groupProgress(groups, approvals).map((g) => g.satisfied)).toEqual([true, true, false]);
  });

  it('denies on one deny, whatever the approvals so far', () => {
    const approvals = [{ approverEmail: 'a@x.io', decision: 'approve' as const }];
    expect(decideApproval(request({ approvals }), { approverEmail: 'c@x.io', decision: 'deny' })).toBe('denied');
  });

  it('does not count denials or non-members towards a group', () => {
    const progress = groupProgress(request().groups, [
      { approverEmail: 'a@x.io', decision: 'deny' },
      { approverEmail: 'z@x.io', decision: 'approve' },
      { approverEmail: 'B@x.io', decision: 'approve' },
    ]);
    expect(progress).toEqual([{ approvalsNeeded: 2, approvedBy: ['b@x.io'], satisfied: false }]);
  });

  it('reports eligibility without deciding', () => {
    expect(eligibility(request(), 'a@x.io')).toBe('eligible');
    expect(eligibility(request({ status: 'denied' }), 'a@x.io')).toBe('not_pending');
  });
});
