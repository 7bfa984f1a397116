import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { conflict } from '@/common/errors/domain-error';
import type { Cursor } from '@/common/http/pagination';
import type { GrantEventName } from '@/modules/grants/grant-events';
import type { ChannelRecord, ChannelSettings } from './notification-channel.types';
import { afterCursor } from '@/infra/prisma/keyset';

type Row = {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  config: Prisma.JsonValue;
  secrets: Prisma.JsonValue;
  eventFilters: string[];
  createdAt: Date;
  updatedAt: Date;
};

// Rows are written only through parseChannelSettings, so their JSON has the shape of their type.
const toRecord = ({ type, config, secrets, eventFilters, ...rest }: Row): ChannelRecord =>
  ({ ...rest, ...({ type, config, secrets } as ChannelSettings), eventFilters: eventFilters as GrantEventName[] });

const duplicateName = (error: unknown, name: string | undefined): unknown =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
    ? conflict(`A notification channel named "${name}" already exists`, { field: 'name' })
    : error;

export interface ChannelChanges {
  name?: string;
  settings?: ChannelSettings;
  eventFilters?: GrantEventName[];
}

@Injectable()
export class NotificationChannelsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, channel: { name: string; settings: ChannelSettings; eventFilters: GrantEventName[] }) {
    const { type, config, secrets } = channel.settings;
    try {
      const row = await tx.notificationChannel.create({
        data: { tenantId, name: channel.name, type, config, secrets, eventFilters: channel.eventFilters },
      });
      return toRecord(row);
    } catch (error) {
      throw duplicateName(error, channel.name);
    }
  }

  async find(tenantId: string, id: string): Promise<ChannelRecord | null> {
    const row = await this.prisma.notificationChannel.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async list(tenantId: string, limit: number, after?: Cursor): Promise<ChannelRecord[]> {
    const rows = await this.prisma.notificationChannel.findMany({
      where: {
        tenantId,
        ...afterCursor(after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(toRecord);
  }

/** Every channel of the tenant with its secrets, oldest first (policy bundles; never returned as such). */
  async all(tx: Tx, tenantId: string): Promise<ChannelRecord[]> {
    const rows = await tx.notificationChannel.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toRecord);
  }

    /** Reads the channel and holds its row lock until `tx` ends, so no policy starts using it meanwhile. */
  async findForUpdate(tx: Tx, tenantId: string, id: string): Promise<ChannelRecord | null> {
    await tx.$queryRaw`SELECT id FROM notification_channels WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    const row = await tx.notificationChannel.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async update(tx: Tx, tenantId: string, id: string, changes: ChannelChanges): Promise<ChannelRecord> {
    const { name, settings, eventFilters } = changes;
    try {
      await tx.notificationChannel.updateMany({
        where: { tenantId, id },
        data: { name, eventFilters, ...(settings && { config: settings.config, secrets: settings.secrets }) },
      });
    } catch (error) {
      throw duplicateName(error, name);
    }
    return toRecord(await tx.notificationChannel.findFirstOrThrow({ where: { tenantId, id } }));
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.notificationChannel.deleteMany({ where: { tenantId, id } });
  }

  async existsByName(tenantId: string, name: string): Promise<boolean> {
    return (await this.prisma.notificationChannel.count({ where: { tenantId, name } })) > 0;
  }

  /** With secrets: for the senders only, never for a response. */
  async findByName(tenantId: string, name: string): Promise<ChannelRecord | null> {
    const row = await this.prisma.notificationChannel.findFirst({ where: { tenantId, name } });
    return row ? toRecord(row) : null;
  }

  /**
   * existsByName inside the caller's transaction, with a share lock on the channel until it ends: a policy that
   * names a channel checks it with this, and a concurrent delete or rename then waits and sees the reference (or
   * the policy sees the channel gone), so no policy is left naming a missing channel.
   */
  async lockByName(tx: Tx, tenantId: string, name: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM notification_channels WHERE tenant_id = ${tenantId}::uuid AND name = ${name} FOR SHARE`;
    return rows.length > 0;
  }
}
