import type { GoverningPolicy } from './decision.types';

/** Shared by specs. A policy's settings with nothing asked of the requester: one hour at most, no approval. */
export const PLAIN_POLICY: Omit<GoverningPolicy, 'id' | 'name'> = {
  maxDurationSeconds: 3600,
  defaultDurationSeconds: null,
  notificationChannel: null,
  approvalRequired: false,
  approvalGroups: [],
  purposeJustificationRequired: false,
  purposeJustificationPrompt: null,
  approvalTimeoutSeconds: 86400,
};
