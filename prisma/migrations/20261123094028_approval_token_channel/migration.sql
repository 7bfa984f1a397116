-- DropIndex
DROP INDEX "approval_tokens_grant_id_approver_email_key";

-- AlterTable
ALTER TABLE "approval_tokens" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT 'email';

-- CreateIndex
CREATE UNIQUE INDEX "approval_tokens_grant_id_approver_email_channel_key" ON "approval_tokens"("grant_id", "approver_email", "channel");

