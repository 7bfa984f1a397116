// Bulk seeding for the benchmarks: tenants with an API key each, and active grants, in a few SQL statements.
const { createHash, randomBytes, randomUUID } = require('node:crypto');
const { Client } = require('pg');

/** Creates `count` tenants, each with one key of `role`; returns [{tenantId, key}] (keys as clients send them). */
async function seedTenants(databaseUrl, count, role = 'auditor') {
  const tenants = Array.from({ length: count }, () => ({ tenantId: randomUUID(), keyId: randomUUID(), secret: randomBytes(32).toString('base64url') }));
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`INSERT INTO tenants (id, name) SELECT unnest($1::uuid[]), 'bench'`, [tenants.map((t) => t.tenantId)]);
    // Its audit chain's head, at genesis: a tenant created through the API has one from its tenant.created event.
    await db.query(`INSERT INTO audit_heads (tenant_id, seq, hash) SELECT unnest($1::uuid[]), 0, repeat('0', 64)`, [tenants.map((t) => t.tenantId)]);
    await db.query(
      `INSERT INTO api_keys (id, tenant_id, name, role, secret_hash) SELECT k, t, 'bench', $3, decode(h, 'hex') FROM unnest($1::uuid[], $2::uuid[], $4::text[]) AS x(k, t, h)`,
      [tenants.map((t) => t.keyId), tenants.map((t) => t.tenantId), role, tenants.map((t) => createHash('sha256').update(t.secret).digest('hex'))],
    );
  } finally {
    await db.end();
  }
  return tenants.map((t) => ({ tenantId: t.tenantId, key: `jit_${t.keyId}_${t.secret}` }));
}

/**
 * Inserts `perTenant` active grants for each tenant: principal `user<n % 50>`, action ssh, resource `host<n>`,
 * expiring at `expiresSql` (an SQL expression over n, the grant's number within its tenant).
 */
async function seedGrants(databaseUrl, tenantIds, perTenant, expiresSql = `now() + interval '2 hours'`) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id, duration_seconds, activated_at, expires_at)
       SELECT gen_random_uuid(), t, 'active', 'User', 'user' || (n % 50), 'Action', 'ssh', 'Host', 'host' || n, 7200, now(), ${expiresSql}
       FROM unnest($1::uuid[]) AS t, generate_series(0, $2::int - 1) AS n`,
      [tenantIds, perTenant],
    );
  } finally {
    await db.end();
  }
}

module.exports = { seedTenants, seedGrants };
