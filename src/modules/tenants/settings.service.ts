import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@/common/errors/domain-error';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { IdentityProvidersRepository } from '@/modules/identity/identity-providers.repository';
import type { UpdateSettingsDto } from './dto/update-settings.dto';
import { TenantSettings, TenantsRepository } from './tenants.repository';

/** The tenant's settings as the API shows them. */
export interface SettingsView {
  approval_requires_sign_in: boolean;
}

const view = (settings: TenantSettings): SettingsView => ({ approval_requires_sign_in: settings.approvalRequiresSignIn });

/**
 * GET and PATCH /v1/settings (PRODUCT.md section 16); every change is audited. Turning approval sign-in on needs an
 * `oidc` provider with a `client_id` (`409 conflict` otherwise).
 */
@Injectable()
export class SettingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditRepository,
    private readonly providers: IdentityProvidersRepository,
  ) {}

  async get(tenantId: string): Promise<SettingsView> {
    const settings = await this.tenants.settings(tenantId);
    if (!settings) throw notFound('Tenant');
    return view(settings);
  }

  async update(tenantId: string, dto: UpdateSettingsDto, actor: Actor): Promise<SettingsView> {
    const settings = await this.prisma.$transaction(async (tx) => {
      const previous = await this.tenants.lockSettings(tx, tenantId);
      if (!previous) throw notFound('Tenant');
      // Turned on without a way to sign in, every emailed link would only answer that it cannot start a sign-in.
      if (dto.approval_requires_sign_in === true && !previous.approvalRequiresSignIn && !(await this.providers.hasSignInClient(tx, tenantId))) {
        throw conflict('Approval sign-in needs an oidc identity provider with a client_id: register one first', { field: 'approval_requires_sign_in' });
      }
      const next = await this.tenants.updateSettings(tx, tenantId, { ...(dto.approval_requires_sign_in !== undefined && { approvalRequiresSignIn: dto.approval_requires_sign_in }) });
      await this.audit.append(tx, tenantId, { actor, action: 'settings.updated', targetType: 'tenant', targetId: tenantId, data: { settings: view(next), previous: view(previous) } });
      return next;
    });
    return view(settings);
  }
}
