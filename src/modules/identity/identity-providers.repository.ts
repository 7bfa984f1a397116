import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { conflict } from '@/common/errors/domain-error';
import type { Cursor } from '@/common/http/pagination';
import { afterCursor } from '@/infra/prisma/keyset';
import { ClaimNames, DEFAULT_CLAIMS, IdentityProviderRecord, ProviderType } from './identity-provider.types';

type Row = Omit<IdentityProviderRecord, 'type' | 'claims'> & { type: string; claims: unknown };

const toRecord = (row: Row): IdentityProviderRecord => ({
  ...row,
  type: row.type as ProviderType,
  claims: { ...DEFAULT_CLAIMS, ...(row.claims as Partial<ClaimNames>) },
});

export type IdentityProviderData = Omit<IdentityProviderRecord, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>;

/** A unique index refused the write: the name, or the issuer and audience, belong to another provider (409). */
const duplicate = (error: unknown, data: Partial<IdentityProviderData>): unknown => {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return error;
  if (JSON.stringify(error.meta ?? {}).includes('issuer')) {
    return conflict('Another identity provider of this tenant has the same issuer and audience: tokens could not tell them apart', { field: 'audience' });
  }
  return conflict(`An identity provider named "${data.name}" already exists`, { field: 'name' });
};

/** The only code on identity_providers. */
@Injectable()
export class IdentityProvidersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, data: IdentityProviderData): Promise<IdentityProviderRecord> {
    try {
      return toRecord(await tx.identityProvider.create({ data: { ...data, claims: { ...data.claims }, tenantId } }));
    } catch (error) {
      throw duplicate(error, data);
    }
  }

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<IdentityProviderRecord | null> {
    const row = await tx.identityProvider.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async list(tenantId: string, limit: number, after?: Cursor): Promise<IdentityProviderRecord[]> {
    const rows = await this.prisma.identityProvider.findMany({ where: { tenantId, ...afterCursor(after) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
    return rows.map(toRecord);
  }

  /** Every provider of the tenant (a tenant has a handful): what token verification chooses from. */
  /** True when the tenant has an `oidc` provider with a `client_id`: approvers can sign in with it. */
  async hasSignInClient(tx: Tx, tenantId: string): Promise<boolean> {
    return (await tx.identityProvider.findFirst({ where: { tenantId, type: 'oidc', clientId: { not: null } }, select: { id: true } })) !== null;
  }

  async all(tenantId: string): Promise<IdentityProviderRecord[]> {
    return (await this.prisma.identityProvider.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } })).map(toRecord);
  }

  async update(tx: Tx, tenantId: string, id: string, data: Partial<IdentityProviderData>): Promise<IdentityProviderRecord> {
    try {
      const { claims, ...rest } = data;
      await tx.identityProvider.updateMany({ where: { tenantId, id }, data: { ...rest, ...(claims && { claims: { ...claims } }) } });
    } catch (error) {
      throw duplicate(error, data);
    }
    return (await this.find(tenantId, id, tx)) as IdentityProviderRecord;
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    return (await tx.identityProvider.deleteMany({ where: { tenantId, id } })).count > 0;
  }
}
