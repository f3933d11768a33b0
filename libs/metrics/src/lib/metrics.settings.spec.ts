import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, parseConfig } from '@portcullis/config';
import { metricsEnvironment, metricsOptions } from './metrics.settings';

describe('metrics settings', () => {
  const schema = configSchema(metricsEnvironment);
  const TOKEN = 'a-metrics-token-that-is-long-enough-0123456789';
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'metrics-settings-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the token from METRICS_TOKEN or from the file METRICS_TOKEN_FILE names', () => {
    expect(metricsOptions(parseConfig(schema, { METRICS_TOKEN: TOKEN }))).toEqual({ enabled: true, token: TOKEN });
    const file = join(dir, 'metrics-token');
    writeFileSync(file, `${TOKEN}\n`);
    expect(metricsOptions(parseConfig(schema, { METRICS_TOKEN_FILE: file }))).toEqual({ enabled: true, token: TOKEN });
    expect(metricsOptions(parseConfig(schema, {}))).toEqual({ enabled: true });
  });

  it('holds a token from a file to the same rules (length, visible ASCII)', () => {
    const file = join(dir, 'short-token');
    writeFileSync(file, 'short');
    expect(() => parseConfig(schema, { METRICS_TOKEN_FILE: file })).toThrow(`METRICS_TOKEN_FILE: ${file}: must be at least 32 characters`);
  });
});
