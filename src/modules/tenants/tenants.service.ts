import { Injectable } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { operatorActor } from '@/modules/audit/actors';
import type { CreatedApiKey } from '@/modules/api-keys/api-key.types';
import { ApiKeysService } from '@/modules/api-keys/api-keys.service';
import { CreateApiKeyDto } from '@/modules/api-keys/dto/create-api-key.dto';
import { TenantRecord, TenantsRepository } from './tenants.repository';

export interface TenantView {
  id: string;
  name: string;
  created_at: string;
}

const toView = (tenant: TenantRecord): TenantView => ({
  id: tenant.id,
  name: tenant.name,
  created_at: tenant.createdAt.toISOString(),
});

@Injectable()
export class TenantsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async create(name: string): Promise<TenantView> {
    const tenant = await this.prisma.$transaction(async (tx) => {
      const created = await this.tenants.create(tx, name);
      await this.audit.append(tx, created.id, {
        actor: operatorActor,
        action: 'tenant.created',
        targetType: 'tenant',
        targetId: created.id,
        data: { name },
      });
      return created;
    });
    return toView(tenant);
  }

  /** What the CLI does: a tenant and its first admin key. */
  async createWithAdminKey(name: string): Promise<{ tenant: TenantView; key: CreatedApiKey }> {
    const tenant = await this.create(name);
    const key = await this.apiKeys.create(tenant.id, { name: 'first admin', role: 'admin' }, operatorActor);
    return { tenant, key };
  }

  async get(id: string): Promise<TenantView> {
    const tenant = await this.tenants.find(id);
    if (!tenant) throw notFound('Tenant');
    return toView(tenant);
  }

  async list(query: PageQuery): Promise<Page<TenantView>> {
    const limit = pageSize(query);
    return toPage(await this.tenants.list(limit + 1, decodeCursor(query.cursor)), limit, toView);
  }

  async createApiKey(tenantId: string, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    await this.get(tenantId);
    return this.apiKeys.create(tenantId, dto, operatorActor);
  }
}
