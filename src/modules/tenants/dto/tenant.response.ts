import type { TenantView } from '@/modules/tenants/tenants.service';

export class TenantResponse implements TenantView {
  id!: string;
  name!: string;
  created_at!: string;
}

export class TenantPageResponse {
  data!: TenantResponse[];
  next_cursor!: string | null;
}
