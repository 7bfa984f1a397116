/** A Cedar entity uid as the API writes it: `{"type": "User", "id": "alice"}`. */
export interface EntityUid {
  type: string;
  id: string;
}

/** A Cedar entity in Cedar's JSON entity format. */
export interface CedarEntity {
  uid: EntityUid;
  attrs: Record<string, unknown>;
  parents: EntityUid[];
}

/** A Cedar schema, in the human-readable text form or as Cedar's JSON schema. */
export type CedarSchemaValue = string | Record<string, unknown>;
