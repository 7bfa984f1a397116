import { checkSettings, mergeSettings, settingsFromCreate } from './policy-settings';

describe('policy settings', () => {
  const base = settingsFromCreate({ name: ' ssh ', max_duration_seconds: 3600 });

  it('fills the documented defaults', () => {
    expect(base).toEqual({
      name: 'ssh',
      description: null,
      enabled: true,
      priority: 0,
      maxDurationSeconds: 3600,
      defaultDurationSeconds: null,
      notificationChannel: null,
      approvalRequired: false,
      approvalGroups: [],
      purposeJustificationRequired: false,
      purposeJustificationPrompt: null,
      approvalTimeoutSeconds: 86400,
    });
  });

  it('merges a partial change and reports only the fields whose value changed', () => {
    const { settings, changed } = mergeSettings(base, { name: 'ssh', priority: 5, description: null, default_duration_seconds: 60 });
    expect(changed).toEqual(['priority', 'default_duration_seconds']);
    expect(settings).toEqual({ ...base, priority: 5, defaultDurationSeconds: 60 });
    expect(mergeSettings({ ...base, description: 'x' }, { description: null }).settings.description).toBeNull();
  });

  it('normalises approval groups', () => {
    const { settings } = mergeSettings(base, { approval_groups: [{ approvals_needed: 1, email_addresses: ['A@x.io', 'a@x.io '], email_list_uuid: 'AB5E0C3A-1111-4F1F-9A60-000000000001' }] });
    expect(settings.approvalGroups).toEqual([{ approvals_needed: 1, email_addresses: ['a@x.io'], email_list_uuid: 'ab5e0c3a-1111-4f1f-9a60-000000000001' }]);
  });

  it('checks rules across fields', () => {
    expect(checkSettings({ ...base, defaultDurationSeconds: 3601 }).map((e) => e.field)).toEqual(['default_duration_seconds']);
    expect(checkSettings({ ...base, approvalRequired: true }).map((e) => e.field)).toEqual(['approval_groups']);
    const groups = [{ approvals_needed: 2, email_addresses: ['a@x.io'], email_list_uuid: null }, { approvals_needed: 5, email_addresses: [], email_list_uuid: 'l' }];
    expect(checkSettings({ ...base, approvalGroups: groups }).map((e) => e.field)).toEqual(['approval_groups[0].approvals_needed']);
    expect(checkSettings(base)).toEqual([]);
  });
});
