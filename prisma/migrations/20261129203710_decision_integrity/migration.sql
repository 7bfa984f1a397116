-- DropIndex
DROP INDEX "grant_approvals_grant_id_approver_email_key";

-- AlterTable
ALTER TABLE "tenant_state" ADD COLUMN     "grant_revocations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "key_revocations" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "grants" ADD COLUMN     "revoke_seq" BIGINT;

-- AlterTable
ALTER TABLE "grant_approvals" ADD COLUMN     "round" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "approval_tokens" ADD COLUMN     "round" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "grant_effects" ADD COLUMN     "audit_event_id" UUID;

-- CreateTable
CREATE TABLE "grant_extensions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "grant_id" UUID NOT NULL,
    "round" INTEGER NOT NULL,
    "added_seconds" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "justification" TEXT,
    "approval_groups" JSONB NOT NULL DEFAULT '[]',
    "policy_id" UUID,
    "determining_rule_ids" TEXT[],
    "approval_deadline" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,

    CONSTRAINT "grant_extensions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "grant_extensions_tenant_id_status_idx" ON "grant_extensions"("tenant_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "grant_extensions_grant_id_round_key" ON "grant_extensions"("grant_id", "round");

-- CreateIndex
CREATE INDEX "grants_tenant_id_revoke_seq_idx" ON "grants"("tenant_id", "revoke_seq");

-- CreateIndex
CREATE UNIQUE INDEX "grant_approvals_grant_id_round_approver_email_key" ON "grant_approvals"("grant_id", "round", "approver_email");

-- AddForeignKey
ALTER TABLE "grant_extensions" ADD CONSTRAINT "grant_extensions_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

