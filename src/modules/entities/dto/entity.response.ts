import type { EntityView } from '@/modules/entities/entity.types';

/** A Cedar entity uid: `{"type": "User", "id": "alice"}`. */
export class EntityUidResponse {
  type!: string;
  id!: string;
}

/** A stored entity in Cedar's JSON entity format. */
export class EntityResponse implements EntityView {
  uid!: EntityUidResponse;
  attrs!: Record<string, unknown>;
  parents!: EntityUidResponse[];
  updated_at!: string;
}

export class EntityPageResponse {
  data!: EntityResponse[];
  next_cursor!: string | null;
}

/** The entities as stored, in the order given. */
export class EntityBatchResponse {
  data!: EntityResponse[];
}
