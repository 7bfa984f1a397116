import type { TestTenant } from './factories';

export const user = (id: string) => ({ type: 'User', id });
export const action = (id: string) => ({ type: 'Action', id });
export const host = (id: string) => ({ type: 'Host', id });

export interface PolicyOptions {
  name?: string;
  priority?: number;
  max_duration_seconds?: number;
  default_duration_seconds?: number | null;
  approval_required?: boolean;
  approval_groups?: { approvals_needed: number; email_addresses?: string[]; email_list_uuid?: string }[];
  purpose_justification_required?: boolean;
  purpose_justification_prompt?: string;
  approval_timeout_seconds?: number;
  notification_channel?: string;
}

/** A policy with one permit rule for `principal` doing `actionId` on any resource. */
export async function permitPolicy(tenant: TestTenant, principalId: string, actionId: string, options: PolicyOptions = {}): Promise<string> {
  const response = await tenant.admin({
    method: 'POST',
    url: '/v1/policies',
    body: {
      name: options.name ?? `${principalId} may ${actionId}`,
      priority: 10,
      max_duration_seconds: 3600,
      ...options,
      rules: [
        {
          effect: 'permit',
          principal_scope_type: 'eq',
          principal_entity_type: 'User',
          principal_entity_id: principalId,
          action_scope_type: 'eq',
          action_ids: [actionId],
          resource_scope_type: 'any',
        },
      ],
    },
  });
  if (response.status !== 201) throw new Error(`policy creation failed: ${response.status} ${response.text}`);
  return response.body.id as string;
}

/** Probes until `done` holds and returns that value; fails the test when it still does not after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() >= deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}
