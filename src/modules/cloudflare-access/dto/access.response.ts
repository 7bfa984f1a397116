import { ApiProperty } from '@nestjs/swagger';

/** A Cloudflare error or message: `code` is an integer of at least 1000; `source.pointer` names the offending field. */
export class CloudflareMessageResponse {
  code!: number;
  message!: string;
  source?: { pointer: string };
}

/** Paging of a list: `page` from 1, `per_page` items per page, `count` on this page. */
export class ResultInfoResponse {
  page!: number;
  per_page!: number;
  count!: number;
  total_count!: number;
  total_pages!: number;
}

/** An Access group: include = OR, require = AND, exclude = NOT of its selectors. */
export class AccessGroupResponse {
  id!: string;
  name!: string;
  /** Selectors, each an object with one key (`{"email": {"email": "a@example.com"}}`). */
  include!: Record<string, unknown>[];
  exclude!: Record<string, unknown>[];
  require!: Record<string, unknown>[];
  is_default!: boolean;
  created_at!: string;
  updated_at!: string;
}

/** An Access policy, app-scoped or reusable, with the Cedar it is decided by. */
export class AccessPolicyResponse {
  id!: string;
  name!: string;
  @ApiProperty({ enum: ['allow', 'deny', 'non_identity', 'bypass'] })
  decision!: string;
  include!: Record<string, unknown>[];
  exclude!: Record<string, unknown>[];
  require!: Record<string, unknown>[];
  /** Its precedence on the application asked about (unique per application). */
  precedence?: number;
  /** Go duration: the grant's default and maximum duration. */
  session_duration!: string;
  approval_required!: boolean;
  approval_groups!: { approvals_needed: number; email_addresses: string[]; email_list_uuid: string | null }[];
  purpose_justification_required!: boolean;
  purpose_justification_prompt!: string | null;
  isolation_required!: boolean;
  reusable!: boolean;
  /** Applications a reusable policy is applied to. */
  app_count?: number;
  /** One Cedar rule per application the policy applies to. */
  cedar_policy_set!: string;
  /** The compiled `when` clause (groups and email lists inlined). */
  cedar_conditions!: string;
  created_at!: string;
  updated_at!: string;
}

/** An Access application: the resource App::"<id>" of Action::"access". */
export class AccessAppResponse {
  id!: string;
  name!: string;
  domain!: string;
  type!: string;
  session_duration!: string;
  /** Its policies in Cloudflare's order (bypass and non_identity first, then by precedence). */
  policies!: AccessPolicyResponse[];
  created_at!: string;
  updated_at!: string;
}

class EnvelopeBase {
  success!: boolean;
  errors!: CloudflareMessageResponse[];
  messages!: CloudflareMessageResponse[];
}

export class AccessGroupEnvelope extends EnvelopeBase {
  result!: AccessGroupResponse;
}

export class AccessGroupListEnvelope extends EnvelopeBase {
  result!: AccessGroupResponse[];
  result_info!: ResultInfoResponse;
}

export class AccessAppEnvelope extends EnvelopeBase {
  result!: AccessAppResponse;
}

export class AccessAppListEnvelope extends EnvelopeBase {
  result!: AccessAppResponse[];
  result_info!: ResultInfoResponse;
}

export class AccessPolicyEnvelope extends EnvelopeBase {
  result!: AccessPolicyResponse;
}

export class AccessPolicyListEnvelope extends EnvelopeBase {
  result!: AccessPolicyResponse[];
  result_info!: ResultInfoResponse;
}

export class DeletedEnvelope extends EnvelopeBase {
  result!: { id: string };
}
