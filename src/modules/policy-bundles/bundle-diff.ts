import { canonicalJson } from '@/modules/audit/audit-chain';
import { formatUid } from '@/infra/cedar/cedar-text';
import { POLICY_SETTING_FIELDS } from '@/modules/policies/policy-settings';
import type { Draft, LiveState } from './bundle-draft';

export type ObjectKind = 'policy' | 'email_list' | 'notification_channel' | 'entity' | 'schema';

export interface DiffEntry {
  kind: ObjectKind;
  name: string;
  /** For `changed`: the API names of the fields that change. */
  fields?: string[];
}

export interface BundleDiff {
  added: DiffEntry[];
  changed: DiffEntry[];
  removed: DiffEntry[];
}

const POLICY_FIELDS = POLICY_SETTING_FIELDS.filter(([name]) => name !== 'name');

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** Objects in `draft` and not in `live` (added), in both but different (changed), only in `live` (removed). */
function byName<D, L>(kind: ObjectKind, draft: D[], live: L[], nameOf: { draft: (d: D) => string; live: (l: L) => string }, fieldsOf: (d: D, l: L) => string[], diff: BundleDiff): void {
  const liveByName = new Map(live.map((l) => [nameOf.live(l), l]));
  const draftNames = new Set(draft.map(nameOf.draft));
  for (const d of draft) {
    const l = liveByName.get(nameOf.draft(d));
    if (l === undefined) diff.added.push({ kind, name: nameOf.draft(d) });
    else {
      const fields = fieldsOf(d, l);
      if (fields.length > 0) diff.changed.push({ kind, name: nameOf.draft(d), fields });
    }
  }
  for (const l of live) if (!draftNames.has(nameOf.live(l))) diff.removed.push({ kind, name: nameOf.live(l) });
}

/** PRODUCT.md section 17: the draft against the live state, by name; sections the bundle leaves out are not compared. */
export function diffDraft(draft: Draft, live: LiveState): BundleDiff {
  const diff: BundleDiff = { added: [], changed: [], removed: [] };
  byName(
    'policy',
    draft.policies,
    live.policies,
    { draft: (p) => p.settings.name, live: (p) => p.name },
    (d) => {
      const current = d.live;
      if (!current) return [];
      const fields = POLICY_FIELDS.filter(([, key]) => !same(d.settings[key], current[key])).map(([api]) => api);
      if (d.rules.length !== current.rules.length || d.rules.some((rule) => !rule.kept)) fields.push('rules');
      return fields;
    },
    diff,
  );
  if (draft.managed.lists) {
    byName('email_list', draft.lists, live.lists, { draft: (l) => l.name, live: (l) => l.name }, (d, l) => (same([...d.emails].sort(), [...l.emails].sort()) ? [] : ['emails']), diff);
  }
  if (draft.managed.channels) {
    byName(
      'notification_channel',
      draft.channels,
      live.channels,
      { draft: (c) => c.name, live: (c) => c.name },
      (d, l) => [
        ...(d.settings.type !== l.type ? ['type'] : []),
        ...(!same(d.settings.config, l.config) ? ['config'] : []),
        ...(d.settings.type === l.type && !same(d.settings.secrets, l.secrets) ? ['secrets'] : []),
        ...(!same(d.eventFilters, l.eventFilters) ? ['event_filters'] : []),
      ],
      diff,
    );
  }
  if (draft.managed.entities) {
    byName(
      'entity',
      draft.entities,
      live.entities,
      { draft: (e) => formatUid(e.uid), live: (e) => formatUid(e.uid) },
      (d, l) => [...(!same(d.attrs ?? {}, l.attrs ?? {}) ? ['attrs'] : []), ...(!same(d.parents ?? [], l.parents ?? []) ? ['parents'] : [])],
      diff,
    );
  }
  if (draft.managed.schema && !same(draft.schema, live.schema)) {
    if (live.schema === null) diff.added.push({ kind: 'schema', name: 'schema' });
    else if (draft.schema === null) diff.removed.push({ kind: 'schema', name: 'schema' });
    else diff.changed.push({ kind: 'schema', name: 'schema', fields: ['schema'] });
  }
  return diff;
}

export const isEmptyDiff = (diff: BundleDiff): boolean => diff.added.length + diff.changed.length + diff.removed.length === 0;
