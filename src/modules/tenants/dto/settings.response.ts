import type { SettingsView } from '@/modules/tenants/settings.service';

/** The tenant's settings (PRODUCT.md section 16). */
export class SettingsResponse implements SettingsView {
  /** Approval links ask the approver to sign in with the tenant's `oidc` provider before deciding. */
  approval_requires_sign_in!: boolean;
}
