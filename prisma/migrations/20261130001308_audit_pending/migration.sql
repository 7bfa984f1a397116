-- CreateTable
CREATE TABLE "audit_pending" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "append_order" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_email" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "audit_pending_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_pending_tenant_id_append_order_idx" ON "audit_pending"("tenant_id", "append_order");

