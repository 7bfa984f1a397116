import type { EntityUid } from '@/infra/cedar/cedar-types';

export interface EntityRecord {
  uid: EntityUid;
  attrs: Record<string, unknown>;
  parents: EntityUid[];
  updatedAt: Date;
}

export interface EntityView {
  uid: EntityUid;
  attrs: Record<string, unknown>;
  parents: EntityUid[];
  updated_at: string;
}

export const toEntityView = (record: EntityRecord): EntityView => ({
  uid: record.uid,
  attrs: record.attrs,
  parents: record.parents,
  updated_at: record.updatedAt.toISOString(),
});
