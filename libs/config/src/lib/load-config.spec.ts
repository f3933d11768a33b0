import { z } from 'zod';
import { ConfigError, configProblems, parseConfig } from './load-config';
import { httpUrl, port } from './env-types';

describe('parseConfig', () => {
  const schema = z.object({ PORT: port(9000), ISSUER_URL: httpUrl.default('http://localhost:9000') });

  it('applies defaults and normalises URLs', () => {
    expect(parseConfig(schema, { ISSUER_URL: 'http://a.example/' })).toEqual({ PORT: 9000, ISSUER_URL: 'http://a.example' });
  });

  it('reports one line per bad variable', () => {
    try {
      parseConfig(schema, { PORT: 'x', ISSUER_URL: 'ftp://a' });
      throw new Error('expected failure');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^config: PORT: /);
      expect(problems[1]).toMatch(/^config: ISSUER_URL: /);
    }
  });

  it('lists the same lines without throwing, and none for a valid environment', () => {
    expect(configProblems(schema, { PORT: 'x' })).toEqual([expect.stringMatching(/^config: PORT: /)]);
    expect(configProblems(schema, {})).toEqual([]);
  });
});
