import type { BundleDiff } from '../bundle-diff';
import type { Impact, TestResult } from '../bundle-evaluation';

/** The answer of POST /v1/policy-bundles/plan (PRODUCT.md section 17). */
export class PlanResponse {
  /** The live policy-set version the plan was made against: send it as If-Match to apply. */
  policy_set_version!: number;
  /** True when every expectation passed. */
  valid!: boolean;
  tests!: TestResult[];
  /** Objects added, changed and removed, by kind and name. */
  diff!: BundleDiff;
  /** Active grants and pending requests the bundle would deny or route to other approvers. */
  impact!: Impact;
}

/** The answer of POST /v1/policy-bundles/apply: the plan, applied, with the new version. */
export class ApplyResponse extends PlanResponse {
  applied!: true;
}

/** GET /v1/policy-bundles/current: the live state as a bundle (ETag: the policy-set version). */
export class BundleResponse {
  version!: 1;
  policies!: Record<string, unknown>[];
  email_lists!: Record<string, unknown>[];
  notification_channels!: Record<string, unknown>[];
  entities!: Record<string, unknown>[];
  schema!: unknown;
  tests!: Record<string, unknown>[];
}
