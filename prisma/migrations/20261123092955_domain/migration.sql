-- CreateTable
CREATE TABLE "tenant_state" (
    "tenant_id" UUID NOT NULL,
    "policy_version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "tenant_state_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "policies" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "max_duration_seconds" INTEGER NOT NULL,
    "default_duration_seconds" INTEGER,
    "notification_channel" TEXT,
    "approval_required" BOOLEAN NOT NULL DEFAULT false,
    "approval_groups" JSONB NOT NULL DEFAULT '[]',
    "purpose_justification_required" BOOLEAN NOT NULL DEFAULT false,
    "purpose_justification_prompt" TEXT,
    "approval_timeout_seconds" INTEGER NOT NULL DEFAULT 86400,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rules" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "effect" TEXT NOT NULL,
    "policy_text" TEXT NOT NULL,
    "principal_scope_type" TEXT NOT NULL,
    "principal_entity_type" TEXT,
    "principal_entity_id" TEXT,
    "action_scope_type" TEXT NOT NULL,
    "action_ids" TEXT[],
    "resource_scope_type" TEXT NOT NULL,
    "resource_entity_type" TEXT,
    "resource_entity_id" TEXT,
    "conditions" TEXT,
    "notice" TEXT,
    "audit_session" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "entities" (
    "tenant_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "attrs" JSONB NOT NULL DEFAULT '{}',
    "parents" JSONB NOT NULL DEFAULT '[]',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entities_pkey" PRIMARY KEY ("tenant_id","type","entity_id")
);

-- CreateTable
CREATE TABLE "cedar_schemas" (
    "tenant_id" UUID NOT NULL,
    "schema" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cedar_schemas_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "email_lists" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "emails" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_lists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secrets" JSONB NOT NULL DEFAULT '{}',
    "event_filters" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grants" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "principal_type" TEXT NOT NULL,
    "principal_id" TEXT NOT NULL,
    "action_type" TEXT NOT NULL,
    "action_id" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "duration_seconds" INTEGER NOT NULL,
    "justification" TEXT,
    "requester_email" TEXT,
    "context" JSONB NOT NULL DEFAULT '{}',
    "policy_id" UUID,
    "determining_rule_ids" TEXT[],
    "notices" TEXT[],
    "audit_session" BOOLEAN NOT NULL DEFAULT false,
    "policy_set_version" BIGINT,
    "approval_groups" JSONB NOT NULL DEFAULT '[]',
    "max_duration_seconds" INTEGER,
    "approval_deadline" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,

    CONSTRAINT "grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grant_approvals" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "grant_id" UUID NOT NULL,
    "approver_email" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "grant_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_tokens" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "grant_id" UUID NOT NULL,
    "approver_email" TEXT NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "tenant_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response_status" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("tenant_id","key")
);

-- CreateTable
CREATE TABLE "deliveries" (
    "id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "policies_tenant_id_created_at_idx" ON "policies"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "rules_tenant_id_idx" ON "rules"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "rules_policy_id_ordinal_key" ON "rules"("policy_id", "ordinal");

-- CreateIndex
CREATE UNIQUE INDEX "email_lists_tenant_id_name_key" ON "email_lists"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_tenant_id_name_key" ON "notification_channels"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "grants_tenant_id_created_at_idx" ON "grants"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "grants_tenant_id_status_idx" ON "grants"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "grants_tenant_id_principal_type_principal_id_idx" ON "grants"("tenant_id", "principal_type", "principal_id");

-- CreateIndex
CREATE INDEX "grants_status_expires_at_idx" ON "grants"("status", "expires_at");

-- CreateIndex
CREATE INDEX "grants_status_approval_deadline_idx" ON "grants"("status", "approval_deadline");

-- CreateIndex
CREATE INDEX "grant_approvals_tenant_id_idx" ON "grant_approvals"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "grant_approvals_grant_id_approver_email_key" ON "grant_approvals"("grant_id", "approver_email");

-- CreateIndex
CREATE UNIQUE INDEX "approval_tokens_token_hash_key" ON "approval_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "approval_tokens_grant_id_approver_email_key" ON "approval_tokens"("grant_id", "approver_email");

-- CreateIndex
CREATE INDEX "deliveries_tenant_id_status_idx" ON "deliveries"("tenant_id", "status");

-- AddForeignKey
ALTER TABLE "rules" ADD CONSTRAINT "rules_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_approvals" ADD CONSTRAINT "grant_approvals_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

