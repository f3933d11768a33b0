import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { COMPOSE_PATH, type ComposeFile, interpolate, loadCompose } from './support/compose-file';
import { DOCKER_DIR } from './support/paths';
import { filledEnv } from './support/topology';

/**
 * (a) compose.yaml against the Compose Specification's JSON schema (compose_spec.json, as
 * shipped by the `dclint` package), offline: no Docker engine runs here. Compose validates the
 * file after interpolation, so both the file as written and as interpolated are checked.
 */
// Only the file checks: YAML syntax and the schema. dclint's style rules are opinions this
// file need not follow, and are not what this test is about.
const VALIDITY_RULES = new Set(['invalid-yaml', 'invalid-schema', 'unknown-error']);
const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });

function validateFile(path: string): string[] {
  return linter
    .lintFiles([path], false)
    .flatMap((result) => result.messages)
    .filter((m) => VALIDITY_RULES.has(m.rule))
    .map((m) => `${m.rule}: ${m.message}`);
}

/** Validates a compose document given as data (written as JSON, which is YAML). */
function validate(content: object): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'compose-'));
  try {
    const path = join(dir, 'compose.yaml');
    writeFileSync(path, JSON.stringify(content, null, 2));
    return validateFile(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function interpolated(value: unknown, env: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolated(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolated(v, env)]));
  return value;
}

describe('compose.yaml against the Compose Specification schema', () => {
  it('conforms as written', () => {
    expect(validateFile(COMPOSE_PATH)).toEqual([]);
  });

  it('conforms once docker/.env is interpolated', () => {
    expect(validate(interpolated(loadCompose(), filledEnv()) as object)).toEqual([]);
  });

  // Debian bookworm's own compose (1.29, `apt-get install docker-compose`) is stricter than the
  // specification: it refuses a top-level `name:`, for one. It parses the file without an engine.
  it('is accepted by Debian bookworm’s docker-compose 1.29 (config -q), with docker/.env filled in', () => {
    const version = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
    expect({ installed: !version.error, version: version.stdout?.trim() }).toEqual({ installed: true, version: expect.stringMatching(/^1\.29\./) });
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      const envFile = join(dir, '.env');
      writeFileSync(envFile, [...filledEnv()].map(([k, v]) => `${k}=${v}`).join('\n'));
      const result = spawnSync('docker-compose', ['--env-file', envFile, '-f', COMPOSE_PATH, 'config', '-q'], { cwd: DOCKER_DIR, encoding: 'utf8' });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no top-level name: the project name is COMPOSE_PROJECT_NAME in docker/.env', () => {
    expect(Object.keys(loadCompose())).not.toContain('name');
    expect(filledEnv().get('COMPOSE_PROJECT_NAME')).toBe('portcullis');
  });

  describe('the validator rejects what Compose would', () => {
    const mutants: [string, (c: ComposeFile) => void][] = [
      ['an unknown top-level key', (c) => Object.assign(c, { servicez: {} })],
      ['an unknown service key', (c) => Object.assign(c.services['auth-server'], { restart_policy: 'always' })],
      ['an unknown depends_on condition', (c) => Object.assign(c.services['mcp-server'], { depends_on: { postgres: { condition: 'service_ready' } } })],
      ['a healthcheck that is not an object', (c) => Object.assign(c.services.postgres, { healthcheck: 'pg_isready' })],
    ];
    it.each(mutants)('%s', (_name, mutate) => {
      const compose = loadCompose();
      mutate(compose);
      const errors = validate(compose);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^invalid-schema: /);
    });
  });
});
