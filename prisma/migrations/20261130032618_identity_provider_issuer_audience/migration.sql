-- Fails if a tenant has two providers with the same issuer and audience: the later one could never authenticate
-- anyone (tokens matched the older), so delete it first.
-- CreateIndex
CREATE UNIQUE INDEX "identity_providers_tenant_id_issuer_audience_key" ON "identity_providers"("tenant_id", "issuer", "audience");

