import { IsBoolean } from 'class-validator';
import { IfPresent } from '@/common/http/validation';

export class UpdateSettingsDto {
  /** Approval links (email, Slack) ask the approver to sign in with the tenant's `oidc` provider before deciding. */
  @IfPresent()
  @IsBoolean()
  approval_requires_sign_in?: boolean;
}
