import { Client } from 'pg';
import { PrismaService } from '../src/infra/prisma/prisma.service';
import { AuditRepository } from '../src/modules/audit/audit.repository';
import { AuditEventInput, eventHash } from '../src/modules/audit/audit-chain';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';

interface EventView {
  id: string;
  seq: number;
  occurred_at: string;
  actor: { type: string; id: string | null; email?: string };
  action: string;
  target_type: string;
  target_id: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('CSV does not end with CRLF');
  return records;
}

describe('audit trail', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  let db: Client;

  const keyId = (key: string) => key.split('_')[1] as string;
  const events = async (who: TestTenant, query = ''): Promise<EventView[]> => {
    const response = await who.as('auditor')({ method: 'GET', url: `/v1/audit/events?limit=500${query}` });
    expect(response.status).toBe(200);
    return response.body.data as EventView[];
  };
  const verify = async (who: TestTenant) => (await who.as('auditor')({ method: 'GET', url: '/v1/audit/verify' })).body;
  const append = (tenantId: string, input: AuditEventInput) =>
    t.app.get(PrismaService).$transaction((tx) => t.app.get(AuditRepository).append(tx, tenantId, input));
  /** As the PostgreSQL superuser with triggers off: what an attacker with database access could do. */
  const tamper = async (sql: string, params: unknown[]) => {
    await db.query('SET session_replication_role = replica');
    try {
      await db.query(sql, params);
    } finally {
      await db.query('SET session_replication_role = DEFAULT');
    }
  };
  const tenantWithEvents = async (name: string, extraKeys: number): Promise<TestTenant> => {
    const created = await createTenant(t, name);
    for (let i = 0; i < extraKeys; i += 1) {
      await created.admin({ method: 'POST', url: '/v1/api-keys', body: { name: `k${i}`, role: 'requester' } });
    }
    return created;
  };

  beforeAll(async () => {
    t = await startTestApp();
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('lists events newest first, chained, in the documented shape', async () => {
    const list = await events(tenant);
    expect(list.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(list.map((e) => e.action)).toEqual([...Array(4).fill('api_key.created'), 'tenant.created']);
    expect(list[4]).toEqual({
      id: expect.any(String),
      seq: 1,
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      actor: { type: 'system', id: 'operator' },
      action: 'tenant.created',
      target_type: 'tenant',
      target_id: tenant.id,
      data: { name: 'tenant' },
      prev_hash: '0'.repeat(64),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    for (let i = 0; i < list.length - 1; i += 1) expect(list[i]!.prev_hash).toBe(list[i + 1]!.hash);
  });

  it('filters by action, actor, target and time range', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'filtered', role: 'auditor' } });
    const byAdmin = await events(tenant, `&actor_id=${keyId(tenant.keys.admin)}`);
    expect(byAdmin).toHaveLength(1);
    expect(byAdmin[0]).toMatchObject({
      action: 'api_key.created',
      actor: { type: 'api_key', id: keyId(tenant.keys.admin) },
      target_id: created.body.id,
    });
    expect(await events(tenant, '&action=api_key.created')).toHaveLength(5);
    expect(await events(tenant, '&action=tenant.created&actor_type=system')).toHaveLength(1);
    expect(await events(tenant, '&actor_type=approver')).toHaveLength(0);
    const byTarget = await events(tenant, `&target_type=api_key&target_id=${created.body.id}`);
    expect(byTarget.map((e) => e.id)).toEqual([byAdmin[0]!.id]);

    const all = await events(tenant);
    const pivot = all[2]!.occurred_at;
    const since = await events(tenant, `&since=${pivot}`);
    const until = await events(tenant, `&until=${pivot}`);
    expect(since.length + until.length).toBe(all.length);
    expect(since.every((e) => e.occurred_at >= pivot)).toBe(true);
    expect(until.every((e) => e.occurred_at < pivot)).toBe(true);
    expect(await events(tenant, `&since=${pivot}&until=${pivot}`)).toHaveLength(0);
    const offset = await events(tenant, `&since=${encodeURIComponent('2000-01-01T02:00:00+02:00')}`);
    expect(offset).toHaveLength(all.length);
  });

  it('refuses bad filters, naming the field', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'since'],
      ['until=2026-13-01T00:00:00Z', 'until'],
      ['actor_type=robot', 'actor_type'],
      ['order=sideways', 'order'],
      ['limit=501', 'limit'],
      ['colour=red', 'colour'],
      ['action=a%00b', 'action'],
      ['target_id=%00', 'target_id'],
      ['action=a&action=b', 'action'],
      ['since=0000-01-01T00:00:00Z', 'since'],
    ]) {
      const response = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?${query}` });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
      expect(Object.keys(response.body.details.fields)).toEqual([field]);
    }
    const format = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events/export?format=xml' });
    expect(format.status).toBe(400);
    expect(Object.keys(format.body.details.fields)).toEqual(['format']);
  });

  it('pages through every event in both orders with cursors', async () => {
    const all = await events(tenant);
    for (const order of ['asc', 'desc'] as const) {
      const seqs: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await tenant.as('auditor')({
          method: 'GET',
          url: `/v1/audit/events?limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`,
        });
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seqs.push(...page.body.data.map((e: EventView) => e.seq));
        cursor = page.body.next_cursor;
      } while (cursor);
      const expected = all.map((e) => e.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(order === 'asc' ? expected : expected.reverse());
    }
    const first = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events?limit=1' });
    const crossed = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?order=asc&cursor=${first.body.next_cursor}` });
    expect(crossed.status).toBe(400);
    expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events?cursor=bm9wZQ' })).status).toBe(400);
  });

  it('lets admin and auditor keys read, and no other role', async () => {
    for (const url of ['/v1/audit/events', '/v1/audit/events/export', '/v1/audit/verify']) {
      expect((await tenant.as('admin')({ method: 'GET', url })).status).toBe(200);
      expect((await tenant.as('auditor')({ method: 'GET', url })).status).toBe(200);
      for (const role of ['requester', 'approver'] as const) {
        const response = await tenant.as(role)({ method: 'GET', url });
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('forbidden');
      }
      const mismatch = await t.request({ method: 'GET', url, headers: { 'x-api-key': tenant.keys.auditor, 'x-tenant-id': other.id } });
      expect(mismatch.status).toBe(403);
      expect(mismatch.body.code).toBe('tenant_mismatch');
    }
  });

  it('never shows another tenant\'s events', async () => {
    const theirs = await other.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'theirs', role: 'admin' } });
    expect(await events(tenant, `&target_id=${theirs.body.id}`)).toHaveLength(0);
    expect((await events(tenant)).every((e) => e.target_id !== other.id)).toBe(true);
    expect(await events(other, `&target_id=${theirs.body.id}`)).toHaveLength(1);
    const exported = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events/export' });
    expect(exported.text).not.toContain(theirs.body.id);
    expect(exported.text).not.toContain(other.id);
  });

  it('refuses updates, deletes and truncation in the database, even for the superuser', async () => {
    await expect(db.query(`UPDATE audit_events SET action = 'x' WHERE tenant_id = $1`, [tenant.id])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_events WHERE tenant_id = $1', [tenant.id])).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect(await verify(tenant)).toEqual({ valid: true, events_checked: (await events(tenant)).length });
  });

  it('detects a changed event and names it', async () => {
    const victim = await tenantWithEvents('changed', 5);
    const before = await events(victim, '&order=asc');
    expect(await verify(victim)).toEqual({ valid: true, events_checked: 10 });
    await tamper(`UPDATE audit_events SET data = '{"name": "k1", "role": "admin"}' WHERE id = $1`, [before[6]!.id]);
    expect(await verify(victim)).toEqual({ valid: false, events_checked: 7, first_invalid_id: before[6]!.id, reason: 'hash_mismatch' });
    expect(await verify(tenant)).toMatchObject({ valid: true });
  });

  it('detects a rewritten event whose own hash was recomputed, at the next link', async () => {
    const victim = await tenantWithEvents('rehashed', 3);
    const before = await events(victim, '&order=asc');
    const { rows } = await db.query('SELECT * FROM audit_events WHERE id = $1', [before[3]!.id]);
    const row = rows[0];
    const forged = {
      id: row.id,
      tenantId: row.tenant_id,
      seq: BigInt(row.seq),
      occurredAt: row.occurred_at,
      actorType: row.actor_type,
      actorId: 'someone-else',
      actorEmail: row.actor_email,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      data: row.data,
    };
    await tamper(`UPDATE audit_events SET actor_id = 'someone-else', hash = $2 WHERE id = $1`, [row.id, eventHash(row.prev_hash, forged)]);
    expect(await verify(victim)).toEqual({ valid: false, events_checked: 5, first_invalid_id: before[4]!.id, reason: 'prev_hash_mismatch' });
  });

  it('detects a deleted event at the link after it, and a cut tail through the head', async () => {
    const victim = await tenantWithEvents('deleted', 5);
    const before = await events(victim, '&order=asc');
    await tamper('DELETE FROM audit_events WHERE id = $1', [before[4]!.id]);
    expect(await verify(victim)).toEqual({ valid: false, events_checked: 5, first_invalid_id: before[5]!.id, reason: 'sequence_gap' });

    const cut = await tenantWithEvents('cut', 2);
    const cutEvents = await events(cut, '&order=asc');
    await tamper('DELETE FROM audit_events WHERE id = $1', [cutEvents[cutEvents.length - 1]!.id]);
    expect(await verify(cut)).toEqual({ valid: false, events_checked: cutEvents.length - 1, reason: 'head_mismatch' });
  });

  it('exports NDJSON oldest first, with the listed shape and filters', async () => {
    const response = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events/export' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-[^"]+\.ndjson"$/);
    expect(response.text.endsWith('\n')).toBe(true);
    const lines = response.text.trimEnd().split('\n').map((line) => JSON.parse(line) as EventView);
    expect(lines).toEqual(await events(tenant, '&order=asc'));

    const filtered = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events/export?format=ndjson&action=tenant.created' });
    expect(filtered.text.trimEnd().split('\n').map((line) => JSON.parse(line).action)).toEqual(['tenant.created']);
    const none = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events/export?action=nothing.happened' });
    expect(none.status).toBe(200);
    expect(none.text).toBe('');
  });

  it('exports CSV that a spreadsheet reads back exactly, without running formulas', async () => {
    const justification = 'Prod is down, "again";\nneed root, now.\r\nTicket: INC-1, INC-2';
    const input: AuditEventInput = {
      actor: { type: 'approver', id: 'ann@example.com', email: 'ann@example.com' },
      action: 'grant.requested',
      targetType: 'grant',
      targetId: '=HYPERLINK("http://evil.example")',
      data: { justification, duration_seconds: 3600, nested: { quote: '"', comma: ',' } },
    };
    const appended = await append(other.id, input);
    const response = await other.as('auditor')({ method: 'GET', url: '/v1/audit/events/export?format=csv' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-[^"]+\.csv"$/);
    const [header, ...rows] = parseCsv(response.text);
    expect(header).toEqual(['id', 'seq', 'occurred_at', 'actor_type', 'actor_id', 'actor_email', 'action', 'target_type', 'target_id', 'justification', 'data', 'prev_hash', 'hash']);
    const listed = await events(other, '&order=asc');
    expect(rows).toHaveLength(listed.length);
    for (const row of rows) expect(row).toHaveLength(header!.length);
    const cells = Object.fromEntries(header!.map((name, i) => [name, rows[rows.length - 1]![i]]));
    expect(cells).toEqual({
      id: appended.id,
      seq: appended.seq.toString(),
      occurred_at: appended.occurredAt.toISOString(),
      actor_type: 'approver',
      actor_id: 'ann@example.com',
      actor_email: 'ann@example.com',
      action: 'grant.requested',
      target_type: 'grant',
      target_id: `'${input.targetId}`,
      justification,
      data: expect.any(String),
      prev_hash: appended.prevHash,
      hash: appended.hash,
    });
    expect(JSON.parse(cells.data!)).toEqual(input.data);
    expect(rows.map((row) => row[0])).toEqual(listed.map((e) => e.id));
    expect(await verify(other)).toEqual({ valid: true, events_checked: listed.length });
  });
});
