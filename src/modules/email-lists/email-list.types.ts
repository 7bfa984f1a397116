export interface EmailListRecord {
  id: string;
  tenantId: string;
  name: string;
  emails: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface EmailListView {
  id: string;
  name: string;
  emails: string[];
  created_at: string;
  updated_at: string;
}

export const toEmailListView = (list: EmailListRecord): EmailListView => ({
  id: list.id,
  name: list.name,
  emails: list.emails,
  created_at: list.createdAt.toISOString(),
  updated_at: list.updatedAt.toISOString(),
});
