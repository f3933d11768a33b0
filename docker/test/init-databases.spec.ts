import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from '@portcullis/testing';
import { DOCKER_DIR } from './support/paths';

/**
 * postgres/init-databases.sh, run as the postgres image runs it on first start, against the
 * real PostgreSQL: one database per service, owned by its own role, closed to the others.
 * DB_PREFIX keeps this run's roles and databases apart from everyone else's.
 */
const SCRIPT = join(DOCKER_DIR, 'postgres', 'init-databases.sh');
const admin = new URL(TEST_POSTGRES_URL);
const prefix = `pcinit_${randomBytes(4).toString('hex')}`;
const services = ['auth', 'audit', 'mcp', 'gateway'] as const;
// Hex, as .env.example advises, plus one with quotes to prove psql does the quoting.
const passwords = { auth: randomBytes(16).toString('hex'), audit: `it's"${randomBytes(8).toString('hex')}`, mcp: randomBytes(16).toString('hex'), gateway: randomBytes(16).toString('hex') };

function runScript(env: Record<string, string>) {
  return spawnSync('bash', [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', PGHOST: admin.hostname, PGPORT: admin.port || '5432', POSTGRES_USER: decodeURIComponent(admin.username) || 'postgres', DB_PREFIX: prefix, ...env },
    encoding: 'utf8',
  });
}

async function connect(role: string, password: string, database: string): Promise<Client> {
  const client = new Client({ host: admin.hostname, port: Number(admin.port || 5432), user: role, password, database });
  await client.connect();
  return client;
}

async function asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: TEST_POSTGRES_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('postgres/init-databases.sh', () => {
  let result: ReturnType<typeof runScript>;

  beforeAll(() => {
    result = runScript({ AUTH_DB_PASSWORD: passwords.auth, AUDIT_DB_PASSWORD: passwords.audit, MCP_DB_PASSWORD: passwords.mcp, GATEWAY_DB_PASSWORD: passwords.gateway });
  });

  afterAll(async () => {
    await asAdmin(async (c) => {
      for (const s of services) {
        await c.query(`DROP DATABASE IF EXISTS ${prefix}_${s} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${prefix}_${s}`);
      }
    });
  });

  it('succeeds and creates one database per service, owned by a role of the same name', async () => {
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const rows = await asAdmin(async (c) =>
      (
        await c.query<{ datname: string; owner: string }>(
          `SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname LIKE $1 ORDER BY datname`,
          [`${prefix}\\_%`],
        )
      ).rows,
    );
    expect(rows).toEqual(['audit', 'auth', 'gateway', 'mcp'].map((s) => ({ datname: `${prefix}_${s}`, owner: `${prefix}_${s}` })));
  });

  // (The test server trusts loopback connections, so this proves the roles and grants, not the
  // passwords; the postgres image requires them on the network.)
  it('lets each role log in and create tables in its own database', async () => {
    for (const s of services) {
      const client = await connect(`${prefix}_${s}`, passwords[s], `${prefix}_${s}`);
      try {
        await client.query('CREATE TABLE migration_probe (id int PRIMARY KEY)');
        await client.query('DROP TABLE migration_probe');
      } finally {
        await client.end();
      }
    }
  });

  it('keeps each role out of the other services’ databases', async () => {
    await expect(connect(`${prefix}_mcp`, passwords.mcp, `${prefix}_auth`)).rejects.toThrow(/permission denied/);
  });

  it('refuses to run without a password for every database', () => {
    const other = `${prefix}_x`;
    // The first database already lacks its password: the script stops before creating anything.
    const r = runScript({ DB_PREFIX: other, AUTH_DB_PASSWORD: '', AUDIT_DB_PASSWORD: 'a', MCP_DB_PASSWORD: 'b' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toBe(`init-databases: no password for ${other}_auth\n`);
  });
});
