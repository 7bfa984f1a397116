import { GRANT_EVENTS, GrantEventName } from '@/modules/grants/grant-events';

export const CHANNEL_TYPES = ['email', 'slack', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What a channel needs to send; `secrets` are write-only (never returned, never audited). */
export type ChannelSettings =
  | { type: 'email'; config: { to: string[] }; secrets: Record<string, never> }
  | { type: 'slack'; config: Record<string, never>; secrets: { url: string } }
  | { type: 'webhook'; config: { url: string }; secrets: { secret: string } };

/** Internal: includes the secrets. Only senders may see it; API responses use toChannelView. */
export type ChannelRecord = ChannelSettings & {
  id: string;
  tenantId: string;
  name: string;
  eventFilters: GrantEventName[];
  createdAt: Date;
  updatedAt: Date;
};

export interface ChannelView {
  id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  event_filters: GrantEventName[];
  created_at: string;
  updated_at: string;
}

/** The readable part of the settings: secrets appear only as a flag saying they are set. */
export function publicConfig(settings: ChannelSettings): Record<string, unknown> {
  switch (settings.type) {
    case 'email':
      return { to: settings.config.to };
    case 'slack':
      return { has_url: true };
    case 'webhook':
      return { url: settings.config.url, has_secret: true };
  }
}

export const toChannelView = (channel: ChannelRecord): ChannelView => ({
  id: channel.id,
  name: channel.name,
  type: channel.type,
  config: publicConfig(channel),
  event_filters: channel.eventFilters,
  created_at: channel.createdAt.toISOString(),
  updated_at: channel.updatedAt.toISOString(),
});

/** Canonical order, no duplicates. */
export const normalizeEventFilters = (events: readonly GrantEventName[]): GrantEventName[] =>
  GRANT_EVENTS.filter((event) => events.includes(event));
