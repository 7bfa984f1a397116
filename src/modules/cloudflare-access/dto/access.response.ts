import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { AppFields, GroupView, PolicyFields } from '@/modules/cloudflare-access/access-views';
import type { ResultInfo } from '@/modules/cloudflare-access/envelope';
import type { Selector } from '@/modules/cloudflare-access/selector-checks';

/** Selectors, each an object with one key (`{"email": {"email": "a@example.com"}}`). */
const SELECTORS: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } } },
  description: 'Selectors, each an object with one key (`{"email": {"email": "a@example.com"}}`)',
};

/** A Cloudflare error or message: `code` is an integer of at least 1000; `source.pointer` names the offending field. */
export class CloudflareMessageResponse {
  code!: number;
  message!: string;
  source?: { pointer: string };
}

/** Paging of a list: `page` from 1, `per_page` items per page, `count` on this page. */
export class ResultInfoResponse implements ResultInfo {
  page!: number;
  per_page!: number;
  count!: number;
  total_count!: number;
  total_pages!: number;
}

/** An Access group: include = OR, require = AND, exclude = NOT of its selectors. */
export class AccessGroupResponse implements GroupView {
  id!: string;
  name!: string;
  @ApiProperty(SELECTORS)
  include!: Selector[];
  @ApiProperty(SELECTORS)
  exclude!: Selector[];
  @ApiProperty(SELECTORS)
  require!: Selector[];
  is_default!: boolean;
  created_at!: string;
  updated_at!: string;
}

/** Approvers of a policy: `approvals_needed` of the addresses and the email list's members. */
export class AccessApprovalGroupResponse implements ApprovalGroup {
  approvals_needed!: number;
  email_addresses!: string[];
  email_list_uuid!: string | null;
}

/** An Access policy, app-scoped or reusable, with the Cedar it is decided by. */
export class AccessPolicyResponse implements PolicyFields {
  id!: string;
  name!: string;
  @ApiProperty({ enum: ['allow', 'deny', 'non_identity', 'bypass'] })
  decision!: string;
  @ApiProperty(SELECTORS)
  include!: Selector[];
  @ApiProperty(SELECTORS)
  exclude!: Selector[];
  @ApiProperty(SELECTORS)
  require!: Selector[];
  /** Its precedence on the application asked about (unique per application). */
  precedence?: number;
  /** Go duration: the grant's default and maximum duration. */
  session_duration!: string;
  approval_required!: boolean;
  approval_groups!: AccessApprovalGroupResponse[];
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
export class AccessAppResponse implements AppFields {
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

/** Cloudflare's envelope of a successful answer (`success: true`, no errors); lists add `result_info`. */
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

/** The id of what was deleted. */
export class DeletedResponse {
  id!: string;
}

export class DeletedEnvelope extends EnvelopeBase {
  result!: DeletedResponse;
}
