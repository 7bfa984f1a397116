import { plainToInstance } from 'class-transformer';
import { isUUID, validateSync, ValidationError } from 'class-validator';
import type { CedarEntity } from '@/infra/cedar/cedar-types';
import { formatUid } from '@/infra/cedar/cedar-text';
import { invalidInput } from '@/common/errors/domain-error';
import { normalizeEmails } from '@/modules/email-lists/emails';
import { CreateEmailListDto } from '@/modules/email-lists/dto/create-email-list.dto';
import { UpsertEntityDto } from '@/modules/entities/dto/upsert-entity.dto';
import { EntityUidDto } from '@/modules/entities/dto/entity-uid.dto';
import { GRANT_EVENTS } from '@/modules/grants/grant-events';
import { CreateNotificationChannelDto } from '@/modules/notification-channels/dto/create-notification-channel.dto';
import { normalizeEventFilters } from '@/modules/notification-channels/notification-channel.types';
import { CreatePolicyDto } from '@/modules/policies/dto/create-policy.dto';
import { assignOrdinals } from '@/modules/policies/ordinals';
import { settingsFromCreate } from '@/modules/policies/policy-settings';
import { draftRule } from '@/modules/policies/rule-drafts';
import type { BundleGroup, ParsedBundle, ParsedChannel, ParsedPolicy, ParsedTest } from './bundle.types';
import { TEST_EXPECTATIONS } from './bundle.types';
import { atPointer, escapeToken, pointer, rebaseError } from './json-pointer';

const SECTIONS = ['version', 'policies', 'email_lists', 'notification_channels', 'entities', 'schema', 'tests'];
const TEST_FIELDS = ['name', 'principal', 'action', 'resource', 'context', 'duration_seconds', 'expect', 'policy'];
/** Objects of each kind a bundle may hold (a bundle is one tenant's configuration, not a bulk import). */
const LIMITS = { policies: 1000, email_lists: 1000, notification_channels: 200, entities: 20_000, tests: 2000, rules: 20_000 };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function collect(errors: ValidationError[], base: string, out: Record<string, string[]>): void {
  for (const error of errors) {
    const at = `${base}/${escapeToken(error.property)}`;
    if (error.constraints) out[at] = Object.values(error.constraints);
    if (error.children?.length) collect(error.children, at, out);
  }
}

/** class-validator on one object of the bundle; unknown fields are refused; errors named by JSON pointer. */
function validated<T extends object>(cls: new () => T, value: unknown, at: string): T {
  if (!isObject(value)) throw atPointer(at, 'must be an object');
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields: Record<string, string[]> = {};
    collect(errors, at, fields);
    throw invalidInput(`Invalid ${Object.keys(fields).join(', ')}`, { fields });
  }
  return instance;
}

function array(value: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw atPointer(at, 'must be an array');
  if (value.length > max) throw atPointer(at, `must hold at most ${max} items`);
  return value;
}

/** Names must be unique within their section: the second one is the offending value. */
function unique<T>(items: T[], key: (item: T) => string, at: (index: number) => string, what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) throw atPointer(at(index), `${what} "${k}" appears twice (first at ${at(first)})`);
    seen.set(k, index);
  });
}

function parseGroups(raw: unknown, at: string): { stripped: unknown; groups: { listName: string | null }[] } {
  if (!Array.isArray(raw)) return { stripped: raw, groups: [] };
  const groups: { listName: string | null }[] = [];
  const stripped = (raw as unknown[]).map((group, index) => {
    if (!isObject(group) || !('email_list' in group)) {
      groups.push({ listName: null });
      return group;
    }
    const { email_list: listName, ...rest } = group;
    const here = pointer('approval_groups', index, 'email_list');
    if (typeof listName !== 'string' || listName.trim() === '') throw atPointer(`${at}${here}`, 'must be the name of an email list');
    if (rest.email_list_uuid !== undefined && rest.email_list_uuid !== null) throw atPointer(`${at}${here}`, 'name a list by email_list or email_list_uuid, not both');
    groups.push({ listName: listName.trim() });
    return rest;
  });
  return { stripped, groups };
}

function parsePolicy(raw: unknown, index: number): ParsedPolicy {
  const at = pointer('policies', index);
  if (!isObject(raw)) throw atPointer(at, 'must be an object');
  const { stripped, groups: listNames } = parseGroups(raw.approval_groups, at);
  const dto = validated(CreatePolicyDto, { ...raw, ...(raw.approval_groups !== undefined && { approval_groups: stripped }) }, at);
  const rules = dto.rules ?? [];
  let ordinals: number[];
  try {
    ordinals = assignOrdinals(rules.map((rule) => rule.ordinal), [], (i) => `${at}/rules/${i}/`);
  } catch (error) {
    throw rebaseError(error, '');
  }
  const drafted = rules.map((rule, i) => {
    const ruleAt = `${at}/rules/${i}`;
    try {
      // Cedar checks the text in buildDraft, only for rules that differ from the stored ones.
      return { ...draftRule(`bundle:${ruleAt}`, rule, `${ruleAt}/`, false), ordinal: ordinals[i], pointer: ruleAt, fromText: rule.policy_text !== undefined };
    } catch (error) {
      throw rebaseError(error, '');
    }
  });
  const { approvalGroups, ...settings } = settingsFromCreate(dto);
  const groups: BundleGroup[] = approvalGroups.map((group, i) => ({
    approvals_needed: group.approvals_needed,
    email_addresses: group.email_addresses,
    listName: listNames[i]?.listName ?? null,
    listId: group.email_list_uuid,
  }));
  return { pointer: at, settings: { ...settings, groups }, rules: drafted.sort((a, b) => a.ordinal - b.ordinal) };
}

function parseChannel(raw: unknown, index: number): ParsedChannel {
  const at = pointer('notification_channels', index);
  const dto = validated(CreateNotificationChannelDto, raw, at);
  return { pointer: at, name: dto.name.trim(), type: dto.type, config: dto.config, eventFilters: normalizeEventFilters(dto.event_filters ?? GRANT_EVENTS) };
}

function parseEntity(raw: unknown, index: number): CedarEntity {
  const dto = validated(UpsertEntityDto, raw, pointer('entities', index));
  const uid = (u: EntityUidDto) => ({ type: u.type, id: u.id });
  return { uid: uid(dto.uid), attrs: dto.attrs ?? {}, parents: (dto.parents ?? []).map(uid) };
}

function parseTest(raw: unknown, index: number): ParsedTest {
  const at = pointer('tests', index);
  if (!isObject(raw)) throw atPointer(at, 'must be an object');
  const unknown = Object.keys(raw).find((key) => !TEST_FIELDS.includes(key));
  if (unknown !== undefined) throw atPointer(`${at}/${escapeToken(unknown)}`, `property ${unknown} should not exist`);
  if (typeof raw.name !== 'string' || raw.name.trim() === '' || raw.name.length > 200) throw atPointer(`${at}/name`, 'must be a non-blank string of at most 200 characters');
  const uids = Object.fromEntries(
    (['principal', 'action', 'resource'] as const).map((key) => {
      const uid = validated(EntityUidDto, raw[key], `${at}/${key}`);
      return [key, { type: uid.type, id: uid.id }];
    }),
  ) as Pick<ParsedTest, 'principal' | 'action' | 'resource'>;
  if (raw.context !== undefined && !isObject(raw.context)) throw atPointer(`${at}/context`, 'must be an object');
  const duration = raw.duration_seconds;
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > 31_536_000)) {
    throw atPointer(`${at}/duration_seconds`, 'must be an integer from 1 to 31536000');
  }
  if (!(TEST_EXPECTATIONS as readonly unknown[]).includes(raw.expect)) throw atPointer(`${at}/expect`, `must be one of ${TEST_EXPECTATIONS.join(', ')}`);
  if (raw.policy !== undefined && typeof raw.policy !== 'string') throw atPointer(`${at}/policy`, 'must be a policy name');
  return {
    pointer: at,
    name: raw.name.trim(),
    ...uids,
    ...(raw.context !== undefined && { context: raw.context as Record<string, unknown> }),
    ...(duration !== undefined && { durationSeconds: duration }),
    expect: raw.expect as ParsedTest['expect'],
    ...(raw.policy !== undefined && { policy: raw.policy as string }),
  };
}

/**
 * PRODUCT.md section 17: checks a bundle's shape (unknown fields, types, duplicate names, Cedar text of every rule)
 * without reading the tenant's state. Every error is `400 invalid_input` whose `details.fields` is keyed by the
 * JSON pointer of the offending value.
 */
export function parseBundle(raw: unknown): ParsedBundle {
  if (!isObject(raw)) throw atPointer('', 'the bundle must be a JSON (or YAML) object');
  const unknown = Object.keys(raw).find((key) => !SECTIONS.includes(key));
  if (unknown !== undefined) throw atPointer(`/${escapeToken(unknown)}`, `property ${unknown} should not exist`);
  if (raw.version !== 1) throw atPointer('/version', 'must be 1');
  const policies = array(raw.policies ?? [], '/policies', LIMITS.policies).map(parsePolicy);
  unique(policies, (p) => p.settings.name, (i) => pointer('policies', i, 'name'), 'policy name');
  const ruleCount = policies.reduce((sum, p) => sum + p.rules.length, 0);
  if (ruleCount > LIMITS.rules) throw atPointer('/policies', `must hold at most ${LIMITS.rules} rules in all`);
  const bundle: ParsedBundle = { policies, tests: array(raw.tests ?? [], '/tests', LIMITS.tests).map(parseTest) };
  unique(bundle.tests, (t) => t.name, (i) => pointer('tests', i, 'name'), 'test name');
  if (raw.email_lists !== undefined) {
    bundle.emailLists = array(raw.email_lists, '/email_lists', LIMITS.email_lists).map((item, i) => {
      const dto = validated(CreateEmailListDto, item, pointer('email_lists', i));
      return { pointer: pointer('email_lists', i), name: dto.name.trim(), emails: normalizeEmails(dto.emails) };
    });
    unique(bundle.emailLists, (l) => l.name, (i) => pointer('email_lists', i, 'name'), 'email list name');
  }
  if (raw.notification_channels !== undefined) {
    bundle.channels = array(raw.notification_channels, '/notification_channels', LIMITS.notification_channels).map(parseChannel);
    unique(bundle.channels, (c) => c.name, (i) => pointer('notification_channels', i, 'name'), 'notification channel name');
  }
  if (raw.entities !== undefined) {
    bundle.entities = array(raw.entities, '/entities', LIMITS.entities).map(parseEntity);
    unique(bundle.entities, (e) => formatUid(e.uid), (i) => pointer('entities', i, 'uid'), 'entity');
  }
  if (raw.schema !== undefined) {
    if (raw.schema !== null && typeof raw.schema !== 'string' && !isObject(raw.schema)) throw atPointer('/schema', 'must be a Cedar schema (text or JSON) or null');
    bundle.schema = raw.schema as ParsedBundle['schema'];
  }
  policies.forEach((policy) =>
    policy.settings.groups.forEach((group, i) => {
      if (group.listId !== null && !isUUID(group.listId)) throw atPointer(`${policy.pointer}/approval_groups/${i}/email_list_uuid`, 'must be a UUID');
    }),
  );
  return bundle;
}
