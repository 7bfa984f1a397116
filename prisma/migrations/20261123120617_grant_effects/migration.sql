-- CreateTable
CREATE TABLE "grant_effects" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "grant_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "grant_effects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "grant_effects_created_at_idx" ON "grant_effects"("created_at");

-- AddForeignKey
ALTER TABLE "grant_effects" ADD CONSTRAINT "grant_effects_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

