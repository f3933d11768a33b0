import { z } from 'zod';
import { configSchema } from './config-schema';
import { developmentSwitch, developmentSwitches } from './development-only';
import { port, seconds } from './env-types';
import { configProblems, parseConfig } from './load-config';

describe('configSchema', () => {
  const shape = {
    NODE_ENV: z.string().optional(),
    PORT: port(9000),
    ACCESS_TOKEN_TTL: seconds(600),
    ALLOW_PLAIN_HTTP: developmentSwitch(),
  };
  const schema = configSchema(shape);
  const problems = (env: NodeJS.ProcessEnv) => configProblems(schema, env);

  it('reads the environment by its variable names and gives the settings in camelCase', () => {
    expect(parseConfig(schema, { PORT: '8080', ACCESS_TOKEN_TTL: '60' })).toEqual({
      nodeEnv: undefined,
      port: 8080,
      accessTokenTtl: 60,
      allowPlainHttp: false,
    });
  });

  it('names the variable, not the camelCase key, in each problem', () => {
    expect(problems({ PORT: 'x', ACCESS_TOKEN_TTL: '0' })).toEqual([
      expect.stringMatching(/^config: PORT: /),
      expect.stringMatching(/^config: ACCESS_TOKEN_TTL: /),
    ]);
  });

  it('refuses each development switch that is on in production, and only then', () => {
    expect(developmentSwitches(shape)).toEqual(['ALLOW_PLAIN_HTTP']);
    expect(problems({ NODE_ENV: 'production', ALLOW_PLAIN_HTTP: 'true' })).toEqual(['config: ALLOW_PLAIN_HTTP: must not be set when NODE_ENV=production']);
    expect(parseConfig(schema, { NODE_ENV: 'production', ALLOW_PLAIN_HTTP: 'false' }).allowPlainHttp).toBe(false);
    expect(parseConfig(schema, { NODE_ENV: 'development', ALLOW_PLAIN_HTTP: 'true' }).allowPlainHttp).toBe(true);
  });
});
