import { Injectable } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';

export interface PolicyNotificationSettings {
  policyName: string;
  /** The `notification_channel` the policy names, if any. */
  channelName: string | null;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Null when the policy no longer exists. */
  async policySettings(tenantId: string, policyId: string): Promise<PolicyNotificationSettings | null> {
    const row = await this.prisma.policy.findFirst({ where: { tenantId, id: policyId }, select: { name: true, notificationChannel: true } });
    return row ? { policyName: row.name, channelName: row.notificationChannel } : null;
  }
}
