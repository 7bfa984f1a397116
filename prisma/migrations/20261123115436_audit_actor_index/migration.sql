-- CreateIndex
CREATE INDEX "audit_events_tenant_id_actor_id_seq_idx" ON "audit_events"("tenant_id", "actor_id", "seq");

