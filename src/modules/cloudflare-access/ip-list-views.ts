import type { IpListItemRecord, IpListRecord } from './access.types';

/** An IP list as Cloudflare's Lists API shows it. */
export interface IpListView {
  id: string;
  name: string;
  description?: string;
  kind: 'ip';
  num_items: number;
  /** Access policies whose compiled Cedar inlines the list (directly or through groups). */
  num_referencing_filters: number;
  created_on: string;
  modified_on: string;
}

export interface IpListItemView {
  id: string;
  ip: string;
  comment?: string;
  created_on: string;
  modified_on: string;
}

/** The status of an item write; writes here complete before they answer. */
export interface BulkOperationView {
  id: string;
  status: 'completed';
  completed: string;
}

export const toIpListView = (list: IpListRecord, items: number, policies: number): IpListView => ({
  id: list.id,
  name: list.name,
  ...(list.description !== null && { description: list.description }),
  kind: 'ip',
  num_items: items,
  num_referencing_filters: policies,
  created_on: list.createdAt.toISOString(),
  modified_on: list.updatedAt.toISOString(),
});

export const toIpListItemView = (item: IpListItemRecord): IpListItemView => ({
  id: item.id,
  ip: item.ip,
  ...(item.comment !== null && { comment: item.comment }),
  created_on: item.createdAt.toISOString(),
  modified_on: item.updatedAt.toISOString(),
});
