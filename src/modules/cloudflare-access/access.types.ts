import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { Selector } from './selector-checks';
import type { AccessDecision } from './selector-cedar';

export interface AccessGroupRecord {
  id: string;
  name: string;
  include: Selector[];
  exclude: Selector[];
  require: Selector[];
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessAppRecord {
  id: string;
  name: string;
  domain: string;
  type: string;
  sessionDuration: string;
  extra: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessPolicyRecord {
  id: string;
  /** The application an app-scoped policy belongs to; null for a reusable policy. */
  ownerAppId: string | null;
  name: string;
  decision: AccessDecision;
  include: Selector[];
  exclude: Selector[];
  require: Selector[];
  sessionDuration: string | null;
  approvalRequired: boolean;
  approvalGroups: ApprovalGroup[];
  purposeJustificationRequired: boolean;
  purposeJustificationPrompt: string | null;
  isolationRequired: boolean;
  extra: Record<string, unknown>;
  cedarConditions: string;
  groupIds: string[];
  emailListIds: string[];
  /** Every IP list the selectors inline, nested groups included. */
  ipListIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A policy applied to an application: its id is the id of the Cedar rule the pair compiles to. */
export interface AttachmentRecord {
  id: string;
  appId: string;
  policyId: string;
  precedence: number;
}

/** What a policy row stores besides its identity, as written by create and replace. */
export type AccessPolicyData = Omit<AccessPolicyRecord, 'id' | 'ownerAppId' | 'createdAt' | 'updatedAt'>;

export interface IpListRecord {
  id: string;
  name: string;
  description: string | null;
  kind: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface IpListItemRecord {
  id: string;
  listId: string;
  ip: string;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
}
