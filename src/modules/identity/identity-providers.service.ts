import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { conflict, invalidInput, notFound } from '@/common/errors/domain-error';
import type { Tx } from '@/infra/prisma/prisma.service';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { TenantsRepository } from '@/modules/tenants/tenants.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { DEFAULT_CLAIMS, IdentityProviderView, toIdentityProviderView } from './identity-provider.types';
import { IdentityProviderData, IdentityProvidersRepository } from './identity-providers.repository';
import { issuerUrlProblem, normalizeIssuer } from './issuer-url';

/** `/v1/identity-providers` (PRODUCT.md section 16): the token issuers a tenant trusts. */
@Injectable()
export class IdentityProvidersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly providers: IdentityProvidersRepository,
    private readonly audit: AuditRepository,
    private readonly bus: InvalidationBus,
    private readonly tenants: TenantsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(tenantId: string, dto: CreateIdentityProviderDto, actor: Actor): Promise<IdentityProviderView> {
    const data = this.checked({
      name: dto.name,
      type: dto.type,
      issuer: dto.issuer,
      audience: dto.audience,
      jwksUri: dto.jwks_uri ?? null,
      claims: { ...DEFAULT_CLAIMS, ...dto.claims },
      adminGroups: dto.admin_groups ?? [],
      auditorGroups: dto.auditor_groups ?? [],
      clientId: dto.client_id ?? null,
    });
    const created = await this.prisma.$transaction(async (tx) => {
      const record = await this.providers.create(tx, tenantId, data);
      await this.audit.append(tx, tenantId, { actor, action: 'identity_provider.created', targetType: 'identity_provider', targetId: record.id, data: toIdentityProviderView(record) as unknown as Record<string, unknown> });
      return record;
    });
    await this.changed(tenantId, created.id);
    return toIdentityProviderView(created);
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<IdentityProviderView>> {
    const limit = pageSize(query);
    return toPage(await this.providers.list(tenantId, limit + 1, decodeCursor(query.cursor)), limit, toIdentityProviderView);
  }

  async get(tenantId: string, id: string): Promise<IdentityProviderView> {
    const record = await this.providers.find(tenantId, id);
    if (!record) throw notFound('Identity provider');
    return toIdentityProviderView(record);
  }

  async update(tenantId: string, id: string, dto: UpdateIdentityProviderDto, actor: Actor): Promise<IdentityProviderView> {
    const updated = await this.prisma.$transaction(async (tx) => {
      const current = await this.providers.find(tenantId, id, tx);
      if (!current) throw notFound('Identity provider');
      const next = this.checked({
        name: dto.name ?? current.name,
        type: dto.type ?? current.type,
        issuer: dto.issuer ?? current.issuer,
        audience: dto.audience ?? current.audience,
        jwksUri: dto.jwks_uri ?? current.jwksUri,
        claims: { ...current.claims, ...dto.claims },
        adminGroups: dto.admin_groups ?? current.adminGroups,
        auditorGroups: dto.auditor_groups ?? current.auditorGroups,
        clientId: dto.client_id ?? current.clientId,
      });
      const record = await this.providers.update(tx, tenantId, id, next);
      await this.keepSignIn(tx, tenantId);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'identity_provider.updated',
        targetType: 'identity_provider',
        targetId: id,
        data: { provider: toIdentityProviderView(record), previous: toIdentityProviderView(current) },
      });
      return record;
    });
    await this.changed(tenantId, id);
    return toIdentityProviderView(updated);
  }

  async remove(tenantId: string, id: string, actor: Actor): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.providers.find(tenantId, id, tx);
      if (!current || !(await this.providers.delete(tx, tenantId, id))) throw notFound('Identity provider');
      await this.keepSignIn(tx, tenantId);
      await this.audit.append(tx, tenantId, { actor, action: 'identity_provider.deleted', targetType: 'identity_provider', targetId: id, data: { name: current.name, issuer: current.issuer } });
    });
    await this.changed(tenantId, id);
  }

  /**
   * While approvals require sign-in, the tenant keeps an `oidc` provider with a `client_id` (`409 conflict`): turn
   * the setting off first. The tenant row is locked, so a concurrent settings change waits for this one.
   */
  private async keepSignIn(tx: Tx, tenantId: string): Promise<void> {
    const settings = await this.tenants.lockSettings(tx, tenantId);
    if (settings?.approvalRequiresSignIn && !(await this.providers.hasSignInClient(tx, tenantId))) {
      throw conflict('Approvals require sign-in and this is the last oidc provider with a client_id: turn approval_requires_sign_in off first', { field: 'approval_requires_sign_in' });
    }
  }

  /** URLs must be https (loopback http when allowed); the sign-in client is for `oidc` providers only. */
  private checked(data: IdentityProviderData): IdentityProviderData {
    const errors: { field: string; message: string }[] = [];
    const issuerProblem = issuerUrlProblem(data.issuer, this.config.identity.allowInsecureIssuers);
    if (issuerProblem) errors.push({ field: 'issuer', message: `issuer ${issuerProblem}` });
    const jwksProblem = data.jwksUri === null ? null : issuerUrlProblem(data.jwksUri, this.config.identity.allowInsecureIssuers);
    if (jwksProblem) errors.push({ field: 'jwks_uri', message: `jwks_uri ${jwksProblem}` });
    if (data.clientId !== null && data.type !== 'oidc') errors.push({ field: 'client_id', message: 'client_id is for oidc providers only' });
    if (errors.length > 0) throw invalidInput(errors.map((e) => e.message).join('; '), { errors });
    return { ...data, issuer: normalizeIssuer(data.issuer) };
  }

  private async changed(tenantId: string, id: string): Promise<void> {
    await this.bus.publish({ topic: 'identity-provider', tenantId, id });
  }
}
