import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { type AuthServer, startAuthServer } from '@portcullis/testing';

const WORKSPACE = join(__dirname, '../../../..');
const run = promisify(execFile);

/** Runs a built entry point to its end; its exit status and everything it wrote. */
async function runBuilt(entry: 'main.js' | 'cli.js', args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(WORKSPACE, 'dist/apps/auth-server', entry), ...args], {
      cwd: WORKSPACE,
      env: { ...process.env, NODE_ENV: 'test', ...env },
      timeout: 60_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** The built server and CLI with a key-encryption key, on PostgreSQL: what an operator meets. */
describe('signing keys at rest (built server and CLI, PostgreSQL)', () => {
  let server: AuthServer;
  const kekA = randomBytes(32).toString('base64url');
  const kekB = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    server = await startAuthServer('postgres', { KEYS_ENCRYPTION_KEY: kekA }, { timeoutMs: 90_000 });
  }, 120_000);
  afterAll(async () => server?.stop());

  async function storedKeys(): Promise<string[]> {
    const db = await new DataSource({ type: 'postgres', url: server.storage.DATABASE_URL }).initialize();
    try {
      return (await db.query('SELECT private_key_pem FROM signing_keys')).map((r: { private_key_pem: string }) => r.private_key_pem);
    } finally {
      await db.destroy();
    }
  }

  it('serves tokens while the database holds no plaintext private key', async () => {
    const res = await fetch(`${server.issuer}/jwks`);
    expect(((await res.json()) as { keys: unknown[] }).keys.length).toBeGreaterThanOrEqual(2);
    const rows = await storedKeys();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.startsWith('pcx1.')).toBe(true);
      expect(row).not.toContain('PRIVATE KEY');
    }
  });

  it('a start with a wrong KEK stops with one clear line (exit 78), no stack trace', async () => {
    // Its own port: the start fails before it would listen.
    const env = { ...server.storage, ISSUER_URL: server.issuer, PORT: String(server.service.port), KEYS_ENCRYPTION_KEY: kekB };
    const { code, out } = await runBuilt('main.js', [], env);
    expect(code).toBe(78);
    const lines = out.split('\n').filter((l) => l.includes('KEYS_ENCRYPTION_KEY'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config: KEYS_ENCRYPTION_KEY: signing key \S+ is sealed with key-encryption key \S+, which is neither KEYS_ENCRYPTION_KEY \(\S+\) nor KEYS_ENCRYPTION_KEY_PREVIOUS \(unset\)$/);
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain(kekB);
  }, 120_000);

  it('keys:reencrypt rotates the KEK with the previous one given; the running server keeps signing', async () => {
    const env = { ...server.storage, ISSUER_URL: server.issuer, KEYS_ENCRYPTION_KEY: kekB, KEYS_ENCRYPTION_KEY_PREVIOUS: kekA };
    const { code, out } = await runBuilt('cli.js', ['keys:reencrypt'], env);
    expect({ code, out }).toMatchObject({ code: 0, out: expect.stringMatching(/every signing key is sealed under key-encryption key [\w-]{8}/) });
    const kekIds = new Set((await storedKeys()).map((r) => r.split('.')[1]));
    expect(kekIds.size).toBe(1);
    // The running server holds its active key in memory; JWKS is unchanged by a KEK rotation.
    expect((await fetch(`${server.issuer}/jwks`)).status).toBe(200);
    // The old KEK alone no longer opens the keys.
    const old = await runBuilt('cli.js', ['keys:reencrypt'], { ...server.storage, ISSUER_URL: server.issuer, KEYS_ENCRYPTION_KEY: kekA });
    expect(old.code).toBe(1);
    expect(old.out).toMatch(/^keys:reencrypt: config: KEYS_ENCRYPTION_KEY: signing key \S+ is sealed with key-encryption key/m);
  }, 120_000);
});
