import type { EmailListView } from '@/modules/email-lists/email-list.types';

/** A named list of approver addresses that policies' approval groups refer to. */
export class EmailListResponse implements EmailListView {
  id!: string;
  name!: string;
  emails!: string[];
  created_at!: string;
  updated_at!: string;
}

export class EmailListPageResponse {
  data!: EmailListResponse[];
  next_cursor!: string | null;
}
