import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { FieldError } from '@/infra/cedar/rule-scope';
import type { ApprovalGroupDto } from './dto/approval-group.dto';
import type { CreatePolicyDto } from './dto/create-policy.dto';
import type { UpdatePolicyDto } from './dto/update-policy.dto';
import type { PolicySettings } from './policy.types';

export function toApprovalGroups(groups: ApprovalGroupDto[]): ApprovalGroup[] {
  return groups.map((group) => ({
    approvals_needed: group.approvals_needed,
    email_addresses: [...new Set((group.email_addresses ?? []).map((email) => email.trim().toLowerCase()))],
    email_list_uuid: group.email_list_uuid?.toLowerCase() ?? null,
  }));
}

export function settingsFromCreate(dto: CreatePolicyDto): PolicySettings {
  return {
    name: dto.name.trim(),
    description: dto.description ?? null,
    enabled: dto.enabled ?? true,
    priority: dto.priority ?? 0,
    maxDurationSeconds: dto.max_duration_seconds,
    defaultDurationSeconds: dto.default_duration_seconds ?? null,
    notificationChannel: dto.notification_channel ?? null,
    approvalRequired: dto.approval_required ?? false,
    approvalGroups: toApprovalGroups(dto.approval_groups ?? []),
    purposeJustificationRequired: dto.purpose_justification_required ?? false,
    purposeJustificationPrompt: dto.purpose_justification_prompt ?? null,
    approvalTimeoutSeconds: dto.approval_timeout_seconds ?? 86400,
  };
}

/** Each writable setting: its API name and its field in PolicySettings (also what a bundle's diff compares). */
export const POLICY_SETTING_FIELDS: [Extract<keyof UpdatePolicyDto, string>, keyof PolicySettings][] = [
  ['name', 'name'],
  ['description', 'description'],
  ['enabled', 'enabled'],
  ['priority', 'priority'],
  ['max_duration_seconds', 'maxDurationSeconds'],
  ['default_duration_seconds', 'defaultDurationSeconds'],
  ['notification_channel', 'notificationChannel'],
  ['approval_required', 'approvalRequired'],
  ['approval_groups', 'approvalGroups'],
  ['purpose_justification_required', 'purposeJustificationRequired'],
  ['purpose_justification_prompt', 'purposeJustificationPrompt'],
  ['approval_timeout_seconds', 'approvalTimeoutSeconds'],
];

/** The settings after a partial change, and the API names of the fields whose value changed. */
export function mergeSettings(current: PolicySettings, dto: UpdatePolicyDto): { settings: PolicySettings; changed: string[] } {
  const settings = Object.fromEntries(POLICY_SETTING_FIELDS.map(([, key]) => [key, current[key]])) as unknown as PolicySettings;
  const changed: string[] = [];
  for (const [api, key] of POLICY_SETTING_FIELDS) {
    if (dto[api] === undefined) continue;
    const value = api === 'approval_groups' ? toApprovalGroups(dto.approval_groups ?? []) : api === 'name' ? (dto.name as string).trim() : dto[api];
    if (JSON.stringify(value) === JSON.stringify(current[key])) continue;
    (settings as unknown as Record<string, unknown>)[key] = value;
    changed.push(api);
  }
  return { settings, changed };
}

/** Rules that involve several fields; references to lists and channels are checked against the database. */
export function checkSettings(settings: PolicySettings): FieldError[] {
  const errors: FieldError[] = [];
  if (settings.defaultDurationSeconds !== null && settings.defaultDurationSeconds > settings.maxDurationSeconds) {
    errors.push({
      field: 'default_duration_seconds',
      message: `default_duration_seconds (${settings.defaultDurationSeconds}) must not exceed max_duration_seconds (${settings.maxDurationSeconds})`,
    });
  }
  if (settings.approvalRequired && settings.approvalGroups.length === 0) {
    errors.push({ field: 'approval_groups', message: 'approval_groups needs at least one group when approval_required is true' });
  }
  settings.approvalGroups.forEach((group, index) => {
    if (group.email_list_uuid === null && group.approvals_needed > group.email_addresses.length) {
      errors.push({
        field: `approval_groups[${index}].approvals_needed`,
        message: `approval_groups[${index}] needs ${group.approvals_needed} approvals but names only ${group.email_addresses.length} approvers`,
      });
    }
  });
  return errors;
}
