import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema } from './config-schema';
import { fileSetting } from './file-setting';
import { ConfigError, parseConfig } from './load-config';

describe('NAME_FILE settings (fileSetting)', () => {
  const token = z.string().min(8, 'must be at least 8 characters');
  const schema = configSchema({ API_TOKEN: token.optional(), API_TOKEN_FILE: fileSetting(token) });
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'file-setting-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const problems = (env: Record<string, string>) => {
    try {
      parseConfig(schema, env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('reads the value from the file, without the final newline an editor adds', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'a-long-secret\n');
    expect(parseConfig(schema, { API_TOKEN_FILE: file })).toEqual({ apiTokenFile: 'a-long-secret' });
  });

  it('checks the content with the setting’s own rules, naming the file', () => {
    const file = join(dir, 'short');
    writeFileSync(file, 'short');
    expect(problems({ API_TOKEN_FILE: file })).toEqual([`config: API_TOKEN_FILE: ${file}: must be at least 8 characters`]);
  });

  it('says a missing file in one line, without a stack trace', () => {
    expect(problems({ API_TOKEN_FILE: join(dir, 'absent') })).toEqual([`config: API_TOKEN_FILE: cannot read ${join(dir, 'absent')}: ENOENT`]);
  });

  it('refuses the setting given both ways', () => {
    const file = join(dir, 'both');
    writeFileSync(file, 'a-long-secret');
    expect(problems({ API_TOKEN: 'another-secret', API_TOKEN_FILE: file })).toEqual(['config: API_TOKEN_FILE: set API_TOKEN or API_TOKEN_FILE, not both']);
  });
});
