import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@/config/config';
import { APP_CONFIG } from '@/config/config.module';
import type { Tx } from '@/infra/prisma/prisma.service';
import { formatUid } from '@/infra/cedar/cedar-text';
import type { Actor, AuditEventInput } from '@/modules/audit/audit-chain';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { conflict } from '@/common/errors/domain-error';
import { CedarSchemaRepository } from '@/modules/cedar-schema/cedar-schema.repository';
import { AccessListChanges } from '@/modules/cloudflare-access/access-list-changes';
import { EmailListsRepository } from '@/modules/email-lists/email-lists.repository';
import { EntitiesRepository } from '@/modules/entities/entities.repository';
import { publicConfig } from '@/modules/notification-channels/notification-channel.types';
import { NotificationChannelsRepository } from '@/modules/notification-channels/notification-channels.repository';
import { assertPublicReceiver, receiverUrlOf } from '@/modules/notification-channels/receiver-address';
import { NewRule, PoliciesRepository } from '@/modules/policies/policies.repository';
import { compileFields } from '@/modules/policies/rule-drafts';
import type { BundleDiff, DiffEntry } from './bundle-diff';
import type { Draft, DraftPolicy, LiveState } from './bundle-draft';
import { rebaseError } from './json-pointer';

const AUDIT_BATCH = 500;

const names = (entries: DiffEntry[], kind: DiffEntry['kind']) => new Set(entries.filter((e) => e.kind === kind).map((e) => e.name));

/** Writes a checked draft over the live state inside the apply's transaction, one audit event per object changed. */
@Injectable()
export class BundleWriter {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly lists: EmailListsRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly entities: EntitiesRepository,
    private readonly schemas: CedarSchemaRepository,
    private readonly audit: AuditRepository,
    private readonly access: AccessListChanges,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Slack and webhook URLs that change must reach public addresses, as when a channel is created. */
  async checkReceivers(draft: Draft, diff: BundleDiff): Promise<void> {
    const touched = new Set([...diff.added, ...diff.changed].filter((e) => e.kind === 'notification_channel').map((e) => e.name));
    for (const channel of draft.channels.filter((c) => touched.has(c.name))) {
      const url = receiverUrlOf({ ...channel.settings.config, ...channel.settings.secrets });
      try {
        if (url !== null) await assertPublicReceiver(url, this.config.webhookAllowPrivateAddresses);
      } catch (error) {
        throw rebaseError(error, `${channel.pointer ?? ''}/config`);
      }
    }
  }

  async write(tx: Tx, tenantId: string, draft: Draft, live: LiveState, diff: BundleDiff, actor: Actor): Promise<void> {
    const events: AuditEventInput[] = [];
    const event = (action: string, targetType: string, targetId: string, data: Record<string, unknown>) => {
      events.push({ actor, action, targetType, targetId, data: { ...data, source: 'policy_bundle' } });
    };
    const added = (kind: DiffEntry['kind']) => names(diff.added, kind);
    const changed = (kind: DiffEntry['kind']) => names(diff.changed, kind);
    const removed = (kind: DiffEntry['kind']) => names(diff.removed, kind);

    const listIds = new Map<string, string>();
    for (const list of draft.lists) {
      if (added('email_list').has(list.name)) {
        const created = await this.lists.create(tx, tenantId, { name: list.name, emails: list.emails });
        listIds.set(list.id, created.id);
        event('email_list.created', 'email_list', created.id, { name: list.name, emails: list.emails });
      } else if (changed('email_list').has(list.name) && list.live) {
        await this.lists.update(tx, tenantId, list.live.id, { emails: list.emails });
        // Access policies inline the members of the lists they name: recompiled here, as EmailListsService.update does.
        const recompiled = await this.access.listChanged(tx, tenantId, list.live.id, (ids) => this.lists.emailsOf(tenantId, ids, tx));
        event('email_list.updated', 'email_list', list.live.id, { changes: { emails: list.emails }, ...(recompiled.length > 0 && { recompiled_access_policy_ids: recompiled }) });
      }
    }
    for (const channel of draft.channels) {
      const view = { name: channel.name, type: channel.settings.type, config: publicConfig(channel.settings), event_filters: channel.eventFilters };
      if (added('notification_channel').has(channel.name) || (channel.live && channel.live.type !== channel.settings.type)) {
        if (channel.live) await this.channels.delete(tx, tenantId, channel.live.id);
        const created = await this.channels.create(tx, tenantId, { name: channel.name, settings: channel.settings, eventFilters: channel.eventFilters });
        event('notification_channel.created', 'notification_channel', created.id, view);
      } else if (changed('notification_channel').has(channel.name) && channel.live) {
        await this.channels.update(tx, tenantId, channel.live.id, { settings: channel.settings, eventFilters: channel.eventFilters });
        event('notification_channel.updated', 'notification_channel', channel.live.id, view);
      }
    }
    const upserts = draft.entities.filter((e) => added('entity').has(formatUid(e.uid)) || changed('entity').has(formatUid(e.uid)));
    if (upserts.length > 0) await this.entities.upsert(tx, tenantId, upserts);
    for (const entity of upserts) event('entity.upserted', 'entity', formatUid(entity.uid), { uid: entity.uid, attrs: entity.attrs, parents: entity.parents });
    for (const entity of live.entities.filter((e) => removed('entity').has(formatUid(e.uid)))) {
      await this.entities.delete(tx, tenantId, entity.uid);
      event('entity.deleted', 'entity', formatUid(entity.uid), { uid: entity.uid });
    }
    if (names([...diff.added, ...diff.changed], 'schema').size > 0 && draft.schema !== null) {
      await this.schemas.put(tx, tenantId, draft.schema);
      event('schema.updated', 'schema', tenantId, { format: typeof draft.schema === 'string' ? 'cedar' : 'json', schema: draft.schema });
    } else if (removed('schema').size > 0) {
      await this.schemas.delete(tx, tenantId);
      event('schema.deleted', 'schema', tenantId, {});
    }

    for (const policy of draft.policies) {
      const settings = { ...policy.settings, approvalGroups: policy.settings.approvalGroups.map((g) => ({ ...g, email_list_uuid: g.email_list_uuid && (listIds.get(g.email_list_uuid) ?? g.email_list_uuid) })) };
      const rules = this.storedRules(policy);
      if (!policy.live) {
        const id = randomUUID();
        const created = await this.policies.create(tx, tenantId, id, settings, rules);
        event('policy.created', 'policy', id, { name: settings.name, rule_ids: created.rules.map((r) => r.id) });
      } else if (changed('policy').has(policy.settings.name)) {
        const fields = diff.changed.find((e) => e.kind === 'policy' && e.name === policy.settings.name)?.fields ?? [];
        if (fields.includes('rules')) {
          await this.policies.deleteRules(tx, tenantId, policy.live.id);
          await this.policies.insertRules(tx, tenantId, policy.live.id, rules);
        }
        await this.policies.update(tx, tenantId, policy.live.id, settings);
        event('policy.updated', 'policy', policy.live.id, { changed: fields, rule_ids: rules.map((r) => r.id), cedar_policy_set: rules.map((r) => r.policyText).join('\n\n') });
      }
    }
    for (const policy of live.policies.filter((p) => removed('policy').has(p.name))) {
      await this.policies.delete(tx, tenantId, policy.id);
      event('policy.deleted', 'policy', policy.id, { name: policy.name, rule_ids: policy.rules.map((r) => r.id) });
    }
    for (const channel of live.channels.filter((c) => removed('notification_channel').has(c.name))) {
      await this.channels.delete(tx, tenantId, channel.id);
      event('notification_channel.deleted', 'notification_channel', channel.id, { name: channel.name });
    }
    for (const list of live.lists.filter((l) => removed('email_list').has(l.name))) {
      const accessPolicies = await this.access.policiesUsing(tx, tenantId, list.id);
      if (accessPolicies.length > 0) throw conflict(`The email list "${list.name}" is used by Access policies`, { access_policy_ids: accessPolicies });
      await this.lists.delete(tx, tenantId, list.id);
      event('email_list.deleted', 'email_list', list.id, { name: list.name });
    }
    // One head lock and one statement per batch however many objects change (thousands of entities).
    for (let i = 0; i < events.length; i += AUDIT_BATCH) await this.audit.appendMany(tx, tenantId, events.slice(i, i + AUDIT_BATCH));
  }

  /** Rules that stay keep their id and text; the others get a new id, and their text is written for it. */
  private storedRules(policy: DraftPolicy): NewRule[] {
    return policy.rules.map(({ kept, ...rule }) => {
      if (kept) return { ...rule, ordinal: rule.ordinal };
      const id = randomUUID();
      const { fields, policyText } = compileFields(id, rule, false, '');
      return { ...fields, id, ordinal: rule.ordinal, policyText, notice: rule.notice, auditSession: rule.auditSession };
    });
  }
}
