-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "approval_requires_sign_in" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "subject_email" TEXT;

-- AlterTable
ALTER TABLE "grants" ADD COLUMN     "identity" JSONB;

-- CreateTable
CREATE TABLE "identity_providers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "jwks_uri" TEXT,
    "claims" JSONB NOT NULL DEFAULT '{}',
    "admin_groups" TEXT[],
    "auditor_groups" TEXT[],
    "client_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_providers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "identity_providers_tenant_id_issuer_idx" ON "identity_providers"("tenant_id", "issuer");

-- CreateIndex
CREATE UNIQUE INDEX "identity_providers_tenant_id_name_key" ON "identity_providers"("tenant_id", "name");

