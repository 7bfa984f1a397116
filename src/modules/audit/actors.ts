import type { AuthContext } from '@/common/auth/roles';
import type { Actor } from './audit-chain';

export const keyActor = (auth: AuthContext): Actor => ({ type: 'api_key', id: auth.keyId });
export const operatorActor: Actor = { type: 'system', id: 'operator' };
export const systemActor: Actor = { type: 'system', id: null };
export const approverActor = (email: string): Actor => ({ type: 'approver', id: email, email });
