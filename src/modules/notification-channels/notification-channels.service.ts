import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { assertPublicReceiver, receiverUrlOf } from './receiver-address';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { conflict, notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { GRANT_EVENTS } from '@/modules/grants/grant-events';
import { PolicyReads } from '@/modules/policies/policy-reads';
import { mergeChannelSettings, parseChannelSettings } from './channel-config';
import { CreateNotificationChannelDto } from './dto/create-notification-channel.dto';
import { UpdateNotificationChannelDto } from './dto/update-notification-channel.dto';
import {
  ChannelRecord,
  ChannelView,
  normalizeEventFilters,
  publicConfig,
  toChannelView,
} from './notification-channel.types';
import { ChannelChanges, NotificationChannelsRepository } from './notification-channels.repository';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What an audit event may say about a channel: never its secrets. */
const auditView = (channel: ChannelRecord) => ({
  name: channel.name,
  type: channel.type,
  config: publicConfig(channel),
  event_filters: channel.eventFilters,
});

@Injectable()
export class NotificationChannelsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly channels: NotificationChannelsRepository,
    private readonly policies: PolicyReads,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A Slack or webhook URL must reach a public address (unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES). */
  private async checkReceiver(config: unknown): Promise<void> {
    const url = receiverUrlOf(config);
    if (url !== null) await assertPublicReceiver(url, this.config.webhookAllowPrivateAddresses);
  }

  async create(tenantId: string, dto: CreateNotificationChannelDto, actor: Actor): Promise<ChannelView> {
    const settings = parseChannelSettings(dto.type, dto.config);
    await this.checkReceiver(dto.config);
    const eventFilters = normalizeEventFilters(dto.event_filters ?? GRANT_EVENTS);
    const channel = await this.prisma.$transaction(async (tx) => {
      const created = await this.channels.create(tx, tenantId, { name: dto.name, settings, eventFilters });
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'notification_channel.created',
        targetType: 'notification_channel',
        targetId: created.id,
        data: auditView(created),
      });
      return created;
    });
    return toChannelView(channel);
  }

  /** With secrets: for the senders only, never for a response. */
  findForSending(tenantId: string, id: string): Promise<ChannelRecord | null> {
    return this.channels.find(tenantId, id);
  }

  /** With secrets, by the name a policy's `notification_channel` gives: for the senders only. */
  findByNameForSending(tenantId: string, name: string): Promise<ChannelRecord | null> {
    return this.channels.findByName(tenantId, name);
  }

  /** Inside a policy's transaction: whether the channel exists, share-locked until the transaction ends. */
  lockByName(tx: Tx, tenantId: string, name: string): Promise<boolean> {
    return this.channels.lockByName(tx, tenantId, name);
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<ChannelView>> {
    const limit = pageSize(query);
    return toPage(await this.channels.list(tenantId, limit + 1, decodeCursor(query.cursor)), limit, toChannelView);
  }

  async get(tenantId: string, id: string): Promise<ChannelView> {
    const channel = await this.channels.find(tenantId, id);
    if (!channel) throw notFound('Notification channel');
    return toChannelView(channel);
  }

  async update(tenantId: string, id: string, dto: UpdateNotificationChannelDto, actor: Actor): Promise<ChannelView> {
    await this.checkReceiver(dto.config);
    const channel = await this.prisma.$transaction(async (tx) => {
      const current = await this.channels.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('Notification channel');
      const changes = this.changesOf(current, dto);
      if (Object.keys(changes).length === 0) return current;
      if (changes.name !== undefined) await this.refuseWhileUsed(tx, tenantId, current.name, 'renamed');
      const updated = await this.channels.update(tx, tenantId, id, changes);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'notification_channel.updated',
        targetType: 'notification_channel',
        targetId: id,
        data: {
          secrets_changed: changes.settings !== undefined && !same(changes.settings.secrets, current.secrets),
          previous: auditView(current),
          current: auditView(updated),
        },
      });
      return updated;
    });
    return toChannelView(channel);
  }

  async remove(tenantId: string, id: string, actor: Actor): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.channels.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('Notification channel');
      await this.refuseWhileUsed(tx, tenantId, current.name, 'deleted');
      await this.channels.delete(tx, tenantId, id);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'notification_channel.deleted',
        targetType: 'notification_channel',
        targetId: id,
        data: auditView(current),
      });
    });
  }

  /** Only what differs from the current channel; a PATCH that changes nothing writes nothing. */
  private changesOf(current: ChannelRecord, dto: UpdateNotificationChannelDto): ChannelChanges {
    const changes: ChannelChanges = {};
    if (dto.name !== undefined && dto.name !== current.name) changes.name = dto.name;
    const settings = dto.config && mergeChannelSettings(current, dto.config);
    if (settings && !same(settings, { type: current.type, config: current.config, secrets: current.secrets })) {
      changes.settings = settings;
    }
    const eventFilters = dto.event_filters && normalizeEventFilters(dto.event_filters);
    if (eventFilters && !same(eventFilters, current.eventFilters)) changes.eventFilters = eventFilters;
    return changes;
  }

  private async refuseWhileUsed(tx: Tx, tenantId: string, name: string, verb: 'renamed' | 'deleted'): Promise<void> {
    const policyIds = await this.policies.usingChannel(tx, tenantId, name);
    if (policyIds.length > 0) {
      throw conflict(`The notification channel is named by policies and cannot be ${verb}`, { policy_ids: policyIds });
    }
  }
}
