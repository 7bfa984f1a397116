import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { useTestApp } from './support/use-test-app';
import { createTenant } from './support/factories';
import { seedChain } from './support/audit-seed';
import { CLI, listen } from './support/cli';

const EVENTS = 12_000;
/** About 1.5 KB per event: the export (about 20 MB) is many times the heap the CLI is given below. */
const FILLER = 'x'.repeat(1500);
/** Old-generation heap of the CLI process, in MB: far less than the export, enough for the CLI itself. */
const HEAP_MB = 8;

/** `jit audit export` as a subprocess with a small heap, its standard output going to `file`. */
function exportTo(file: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(file, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, 'audit', 'export', '--format', 'ndjson'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, stderr });
    });
  });
}

describe('jit audit export of a history of many pages', () => {
  const t = useTestApp();

  it('streams every event to standard output with a heap smaller than the export', async () => {
    const tenant = await createTenant(t);
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    let total: number;
    try {
      await seedChain(db, tenant.id, EVENTS, FILLER);
      total = (await db.query('SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id])).rows[0].n;
    } finally {
      await db.end();
    }
    const url = await listen(t);
    const dir = mkdtempSync(join(tmpdir(), 'jit-export-'));
    try {
      const file = join(dir, 'audit.ndjson');
      const run = await exportTo(file, { JIT_URL: url, JIT_TENANT: tenant.id, JIT_API_KEY: tenant.keys.auditor });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text.length).toBeGreaterThan(HEAP_MB * 2 * 1024 * 1024);
      const lines = text.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(total);
      expect(total).toBeGreaterThan(EVENTS);
      const seqs = lines.map((line) => Number((JSON.parse(line) as { seq: string | number }).seq));
      expect(seqs).toEqual(seqs.map((_s, i) => seqs[0] + i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
