-- CreateTable
CREATE TABLE "access_groups" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "include" JSONB NOT NULL DEFAULT '[]',
    "exclude" JSONB NOT NULL DEFAULT '[]',
    "require" JSONB NOT NULL DEFAULT '[]',
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_apps" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "session_duration" TEXT NOT NULL,
    "extra" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_apps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_policies" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "owner_app_id" UUID,
    "name" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "include" JSONB NOT NULL DEFAULT '[]',
    "exclude" JSONB NOT NULL DEFAULT '[]',
    "require" JSONB NOT NULL DEFAULT '[]',
    "session_duration" TEXT,
    "approval_required" BOOLEAN NOT NULL DEFAULT false,
    "approval_groups" JSONB NOT NULL DEFAULT '[]',
    "purpose_justification_required" BOOLEAN NOT NULL DEFAULT false,
    "purpose_justification_prompt" TEXT,
    "isolation_required" BOOLEAN NOT NULL DEFAULT false,
    "extra" JSONB NOT NULL DEFAULT '{}',
    "cedar_conditions" TEXT NOT NULL,
    "group_ids" TEXT[],
    "email_list_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_app_policies" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "app_id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,
    "precedence" INTEGER NOT NULL,

    CONSTRAINT "access_app_policies_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "access_groups_tenant_id_created_at_idx" ON "access_groups"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "access_apps_tenant_id_created_at_idx" ON "access_apps"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "access_policies_tenant_id_created_at_idx" ON "access_policies"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "access_app_policies_tenant_id_idx" ON "access_app_policies"("tenant_id");

-- CreateIndex
CREATE INDEX "access_app_policies_policy_id_idx" ON "access_app_policies"("policy_id");

-- CreateIndex
CREATE UNIQUE INDEX "access_app_policies_app_id_precedence_key" ON "access_app_policies"("app_id", "precedence");

-- CreateIndex
CREATE UNIQUE INDEX "access_app_policies_app_id_policy_id_key" ON "access_app_policies"("app_id", "policy_id");

-- AddForeignKey
ALTER TABLE "access_app_policies" ADD CONSTRAINT "access_app_policies_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "access_apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_app_policies" ADD CONSTRAINT "access_app_policies_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "access_policies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

