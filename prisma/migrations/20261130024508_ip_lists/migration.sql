-- AlterTable
ALTER TABLE "access_policies" ADD COLUMN     "ip_list_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "ip_lists" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'ip',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ip_lists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ip_list_items" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "list_id" UUID NOT NULL,
    "ip" TEXT NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ip_list_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ip_list_operations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "list_id" UUID NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ip_list_operations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ip_lists_tenant_id_name_key" ON "ip_lists"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "ip_list_items_tenant_id_idx" ON "ip_list_items"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "ip_list_items_list_id_ip_key" ON "ip_list_items"("list_id", "ip");

-- CreateIndex
CREATE INDEX "ip_list_operations_tenant_id_idx" ON "ip_list_operations"("tenant_id");

-- AddForeignKey
ALTER TABLE "ip_list_items" ADD CONSTRAINT "ip_list_items_list_id_fkey" FOREIGN KEY ("list_id") REFERENCES "ip_lists"("id") ON DELETE CASCADE ON UPDATE CASCADE;

