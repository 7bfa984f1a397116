-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "job" JSONB,
ADD COLUMN     "run_at" TIMESTAMPTZ(3),
ADD COLUMN     "uid" UUID NOT NULL DEFAULT gen_random_uuid();

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_uid_key" ON "deliveries"("uid");

-- CreateIndex
CREATE INDEX "deliveries_status_run_at_idx" ON "deliveries"("status", "run_at");

-- CreateIndex
CREATE INDEX "deliveries_tenant_id_status_created_at_idx" ON "deliveries"("tenant_id", "status", "created_at");

