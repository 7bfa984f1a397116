import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { Cursor } from '@/common/http/pagination';
import { afterCursor } from '@/infra/prisma/keyset';

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface TenantSettings {
  /** Approval links ask the approver to sign in with an `oidc` identity provider first. */
  approvalRequiresSignIn: boolean;
}

/** Tenants are the one table above tenancy: the operator's view. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tx: Tx, name: string): Promise<TenantRecord> {
    return tx.tenant.create({ data: { name } });
  }

  find(id: string): Promise<TenantRecord | null> {
    return this.prisma.tenant.findUnique({ where: { id } });
  }

  /** PRODUCT.md section 16: the tenant's settings (`PATCH /v1/settings`). */
  async settings(id: string, tx: Tx = this.prisma): Promise<TenantSettings | null> {
    const row = await tx.tenant.findUnique({ where: { id }, select: { approvalRequiresSignIn: true } });
    return row && { approvalRequiresSignIn: row.approvalRequiresSignIn };
  }

  /**
   * The settings with the tenant row locked until `tx` ends: a settings change and a change of identity providers
   * that depends on them (approval sign-in needs a provider to sign in with) cannot pass each other's check.
   */
  async lockSettings(tx: Tx, id: string): Promise<TenantSettings | null> {
    const [row] = await tx.$queryRaw<{ approval_requires_sign_in: boolean }[]>`
      SELECT approval_requires_sign_in FROM tenants WHERE id = ${id}::uuid FOR UPDATE`;
    return row ? { approvalRequiresSignIn: row.approval_requires_sign_in } : null;
  }

  async updateSettings(tx: Tx, id: string, settings: Partial<TenantSettings>): Promise<TenantSettings> {
    const row = await tx.tenant.update({ where: { id }, data: settings, select: { approvalRequiresSignIn: true } });
    return { approvalRequiresSignIn: row.approvalRequiresSignIn };
  }

  list(limit: number, after?: Cursor): Promise<TenantRecord[]> {
    return this.prisma.tenant.findMany({
      where: afterCursor(after),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }
}
