import type { AccessAnswer } from '@/modules/access/access.service';

/** Whether an active grant allows the access right now. */
export class AccessResponse implements AccessAnswer {
  allowed!: boolean;
  grant_id!: string | null;
  expires_at!: string | null;
  audit_session!: boolean;
}
