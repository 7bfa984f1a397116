import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { conflict } from '@/common/errors/domain-error';
import type { AttachmentRecord } from './access.types';

const select = { id: true, appId: true, policyId: true, precedence: true } as const;

/** The only code on access_app_policies (which policy applies to which application at which precedence). */
@Injectable()
export class AccessAppPoliciesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A precedence another policy of the app already has is `409 conflict` (Cloudflare: unique per app). */
  async create(tx: Tx, tenantId: string, attachment: AttachmentRecord, pointer = '/precedence'): Promise<void> {
    try {
      await tx.accessAppPolicy.create({ data: { ...attachment, tenantId } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw conflict(`Another policy of the application already has precedence ${attachment.precedence}`, { fields: { [pointer]: ['must be unique within the application'] } });
      }
      throw error;
    }
  }

  async ofApp(tenantId: string, appId: string, tx: Tx = this.prisma): Promise<AttachmentRecord[]> {
    return tx.accessAppPolicy.findMany({ where: { tenantId, appId }, select, orderBy: { precedence: 'asc' } });
  }

  async ofApps(tenantId: string, appIds: string[], tx: Tx = this.prisma): Promise<AttachmentRecord[]> {
    return tx.accessAppPolicy.findMany({ where: { tenantId, appId: { in: appIds } }, select, orderBy: { precedence: 'asc' } });
  }

  async ofPolicy(tenantId: string, policyId: string, tx: Tx = this.prisma): Promise<AttachmentRecord[]> {
    return tx.accessAppPolicy.findMany({ where: { tenantId, policyId }, select });
  }

  async countsByPolicy(tenantId: string, policyIds: string[]): Promise<Map<string, number>> {
    const rows = await this.prisma.accessAppPolicy.groupBy({ by: ['policyId'], where: { tenantId, policyId: { in: policyIds } }, _count: { _all: true } });
    return new Map(rows.map((row) => [row.policyId, row._count._all]));
  }

  async all(tx: Tx, tenantId: string): Promise<AttachmentRecord[]> {
    return tx.accessAppPolicy.findMany({ where: { tenantId }, select });
  }

  async setPrecedence(tx: Tx, tenantId: string, id: string, precedence: number): Promise<void> {
    try {
      await tx.accessAppPolicy.updateMany({ where: { tenantId, id }, data: { precedence } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw conflict(`Another policy of the application already has precedence ${precedence}`, { fields: { '/precedence': ['must be unique within the application'] } });
      }
      throw error;
    }
  }

  async deleteOfApp(tx: Tx, tenantId: string, appId: string): Promise<void> {
    await tx.accessAppPolicy.deleteMany({ where: { tenantId, appId } });
  }
}
