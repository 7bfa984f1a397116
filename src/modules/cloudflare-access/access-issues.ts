import { invalidInput } from '@/common/errors/domain-error';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { Issue } from './selector-checks';

/** Throws the issues as one `400 invalid_input` with details.fields by JSON pointer. */
export function throwIssues(issues: Issue[]): void {
  if (issues.length === 0) return;
  const fields: Record<string, string[]> = {};
  for (const issue of issues) (fields[issue.pointer] ??= []).push(issue.message);
  throw invalidInput(`Invalid ${Object.keys(fields).join(', ')}`, { fields });
}

/** The email lists a policy depends on: those its selectors inline and those its approval groups draw on. */
export const dependedLists = (compiled: string[], approvalGroups: ApprovalGroup[]): string[] =>
  [...new Set([...compiled, ...approvalGroups.map((g) => g.email_list_uuid).filter((id): id is string => id !== null)])];
