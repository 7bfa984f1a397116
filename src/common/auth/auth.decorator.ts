import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthContext } from './roles';

export const AUTH_CONTEXT = 'jitAuth';

/** The authenticated key of a tenant route, set by AuthGuard. */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  const request = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  return request[AUTH_CONTEXT] as AuthContext;
});
