import type { AccessAnswer } from '@/modules/access/access.service';

/** Whether an active grant allows the access right now. */
export class AccessResponse implements AccessAnswer {
  allowed!: boolean;
  grant_id!: string | null;
  expires_at!: string | null;
  audit_session!: boolean;
}

/** The answers of `POST /v1/access/check/batch`, one per triple, in the order of the triples. */
export class AccessBatchResponse {
  results!: AccessResponse[];
}
