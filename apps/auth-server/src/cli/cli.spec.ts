import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, TestDatabase } from '@portcullis/testing';

/*
 * The operator CLI against the built server (dist/apps/auth-server/cli.js): every mistake is one
 * line on stderr naming the command and what is wrong, with a non-zero status — never a raw
 * database error or a stack trace. Once on SQLite, once on PostgreSQL, plus databases that
 * cannot be used.
 */
jest.setTimeout(120_000);

const WORKSPACE = join(__dirname, '../../../..');
const CLI = join(WORKSPACE, 'dist/apps/auth-server/cli.js');

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

function cli(env: Record<string, string | undefined>, args: string[], stdin = ''): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: WORKSPACE, env: { ...process.env, NODE_ENV: 'test', ...env } }, (err, stdout, stderr) =>
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

/** One line, naming the command, nothing a database or Node prints on its own. */
function expectOneLine(outcome: Outcome, command: string, text: string | RegExp, status = 1): void {
  expect(outcome.status).toBe(status);
  const lines = outcome.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`${command}: `)).toBe(true);
  expect(lines[0]).toMatch(text);
  expect(outcome.stderr).not.toMatch(/ at |QueryFailedError|duplicate key|SQLITE_CONSTRAINT|Error:|postgres:\/\//);
}

describe.each(['SQLite', 'PostgreSQL'] as const)('the CLI on %s', (engine) => {
  let dir: string;
  let database: TestDatabase | undefined;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    database = engine === 'PostgreSQL' ? await createTestDatabase('portcullis_cli') : undefined;
    env = { SQLITE_PATH: join(dir, 'auth.sqlite'), DATABASE_URL: database?.url };
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a user, and answers the same name again with one line', async () => {
    const first = await cli(env, ['users:add', 'alice'], 'pw-alice\n');
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toMatch(/^created user alice /);
    expectOneLine(await cli(env, ['users:add', 'alice'], 'other\n'), 'users:add', /^users:add: user 'alice' already exists$/);
  });

  it('adds an admin, grants and revokes the role, and names an unknown user or role in one line', async () => {
    const add = await cli(env, ['users:add', 'root', '--admin'], 'pw-root\n');
    expect(add).toMatchObject({ status: 0, stderr: '' });
    expect(add.stdout).toMatch(/^created user root \(.+\) with role admin\n$/);
    expect(await cli(env, ['users:roles', 'root'])).toMatchObject({ status: 0, stdout: 'root: admin\n' });
    expect(await cli(env, ['users:roles', 'root', '--revoke', 'admin'])).toMatchObject({ status: 0, stdout: 'root: (no roles)\n' });
    expect(await cli(env, ['users:roles', 'root', '--grant', 'admin'])).toMatchObject({ status: 0, stdout: 'root: admin\n' });
    expectOneLine(await cli(env, ['users:roles', 'nobody', '--grant', 'admin']), 'users:roles', /no user 'nobody'$/);
    expectOneLine(await cli(env, ['users:roles', 'root', '--grant', 'god']), 'users:roles', /unknown role 'god'/, 2);
  });

  it('answers an unknown client with one line', async () => {
    expectOneLine(await cli(env, ['clients:remove', 'nobody'], ''), 'clients:remove', /no client 'nobody'$/);
  });

  it('removes a client it added, and refuses to add one with a taken id', async () => {
    const add = ['clients:add', '--name', 'Robot', '--grant-type', 'client_credentials', '--trusted', '--client-id', 'robot'];
    expect((await cli(env, add)).status).toBe(0);
    expectOneLine(await cli(env, add), 'clients:add', /client 'robot' already exists$/);
    expect(await cli(env, ['clients:remove', 'robot'])).toMatchObject({ status: 0, stdout: 'removed client robot\n' });
  });

  it('runs a purge round on demand', async () => {
    expect(await cli(env, ['retention:purge'])).toMatchObject({ status: 0, stdout: 'nothing to purge\n', stderr: '' });
  });
});

describe('the CLI command line', () => {
  // An address nothing listens on: a usage mistake must be told before any connection is tried.
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nothing` };
  });

  it('lists the commands without arguments', async () => {
    const outcome = await cli(env, []);
    expect(outcome.status).toBe(0);
    for (const command of ['users:add', 'clients:add', 'clients:remove', 'keys:rotate', 'retention:purge']) expect(outcome.stdout).toContain(command);
  });

  it('prints a command\'s usage for --help', async () => {
    const outcome = await cli(env, ['clients:add', '--help']);
    expect(outcome).toMatchObject({ status: 0, stderr: '' });
    expect(outcome.stdout).toMatch(/^usage: node dist\/apps\/auth-server\/cli.js clients:add --name <name>/);
  });

  // One CLI start per case: each is a whole Node process, slow on a loaded machine.
  it.each([
    [['users:delete', 'alice'], 'users:delete', /unknown command/],
    [['users:add', '--bogus', 'alice'], 'users:add', /unknown flag --bogus \(usage: users:add <username>/],
    [['users:add'], 'users:add', /missing <username>/],
    [['clients:remove'], 'clients:remove', /missing <client_id>/],
    [['clients:add', '--name'], 'clients:add', /--name needs a value/],
    [['clients:add', '--name', 'x', '--trusted=yes'], 'clients:add', /--trusted takes no value/],
    [['keys:rotate', 'now'], 'keys:rotate', /unexpected argument: now/],
  ])('answers %j with one line and status 2', async (args, command, text) => {
    expectOneLine(await cli(env, args), command, text, 2);
  });
});

describe('the CLI when the database cannot be used', () => {
  it('says a PostgreSQL server it cannot reach in one line, without retrying for half a minute', async () => {
    const url = `postgres://postgres:s3cret@127.0.0.1:${await freePort()}/portcullis`;
    const outcome = await cli({ DATABASE_URL: url }, ['users:add', 'alice'], 'pw\n');
    expectOneLine(outcome, 'users:add', /cannot reach the database \(ECONNREFUSED\)/);
    expect(outcome.stderr).not.toContain('s3cret');
  });

  it('says a database that does not exist in one line', async () => {
    const url = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = '/portcullis_no_such_database';
    expectOneLine(await cli({ DATABASE_URL: url.toString() }, ['keys:rotate']), 'keys:rotate', /refused the connection \(SQLSTATE 3D000\)/);
  });

  it('says an SQLite file it cannot create in one line', async () => {
    // Its directory would have to be made where a file is.
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-file-'));
    writeFileSync(join(dir, 'not-a-directory'), '');
    try {
      const outcome = await cli({ DATABASE_URL: undefined, SQLITE_PATH: join(dir, 'not-a-directory', 'auth.sqlite') }, ['retention:purge']);
      expectOneLine(outcome, 'retention:purge', /cannot open the database file \(EEXIST\): check SQLITE_PATH/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
