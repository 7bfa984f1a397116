import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AUTH_CONTEXT } from '@/common/auth/auth.decorator';
import type { AuthContext } from '@/common/auth/roles';
import { DomainError } from '@/common/errors/domain-error';

/**
 * The tenant a Cloudflare route acts on: the path's `account_id` (or zone id), which must be the credential's
 * tenant; any other value is `403 tenant_mismatch`, never another tenant's data.
 */
export const Account = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ params: Record<string, string>; [AUTH_CONTEXT]: AuthContext }>();
  const auth = request[AUTH_CONTEXT];
  const account = (request.params.account_id ?? '').toLowerCase();
  if (account !== auth.tenantId) throw new DomainError('tenant_mismatch', 'The account in the path is not the tenant of the credential');
  return auth.tenantId;
});
