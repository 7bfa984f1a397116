import { decidedAtCreation, eventName, GRANT_STATUSES, GrantStatus, GrantTransition, isTerminal, nextStatus } from './grant-state';

describe('grant state machine', () => {
  const allowed: [GrantStatus, GrantTransition, GrantStatus][] = [
    ['pending_approval', 'approve', 'active'],
    ['pending_approval', 'deny', 'denied'],
    ['pending_approval', 'cancel', 'cancelled'],
    ['pending_approval', 'time_out', 'timed_out'],
    ['pending_approval', 'revoke', 'revoked'],
    ['active', 'expire', 'expired'],
    ['active', 'revoke', 'revoked'],
    ['active', 'extend', 'active'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it('refuses every other transition', () => {
    const events: GrantTransition[] = ['approve', 'deny', 'cancel', 'time_out', 'expire', 'revoke', 'extend'];
    for (const from of GRANT_STATUSES) {
      for (const event of events) {
        if (allowed.some(([f, e]) => f === from && e === event)) continue;
        expect([from, event, nextStatus(from, event)]).toEqual([from, event, null]);
      }
    }
  });

  it('ends in terminal statuses that nothing leaves', () => {
    expect(GRANT_STATUSES.filter(isTerminal)).toEqual(['denied', 'cancelled', 'timed_out', 'expired', 'revoked']);
  });

  it('names the event a new grant is decided with, after grant.requested', () => {
    expect([decidedAtCreation('active'), decidedAtCreation('denied'), decidedAtCreation('pending_approval')]).toEqual(['grant.activated', 'grant.denied', null]);
  });

  it('names each transition as its audit and webhook event', () => {
    const transitions: GrantTransition[] = ['approve', 'deny', 'cancel', 'time_out', 'expire', 'revoke', 'extend'];
    expect(transitions.map(eventName)).toEqual(['grant.activated', 'grant.denied', 'grant.cancelled', 'grant.timed_out', 'grant.expired', 'grant.revoked', 'grant.extended']);
  });
});
