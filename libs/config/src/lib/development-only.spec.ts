import { z } from 'zod';
import { ConfigError, parseConfig } from './load-config';
import { booleanFlag } from './env-types';
import { developmentSwitch, developmentSwitches, refuseInProduction } from './development-only';

describe('refuseInProduction', () => {
  const schema = z
    .object({ NODE_ENV: z.string().optional(), DEV_A: booleanFlag(false), DEV_B: booleanFlag(false) })
    .superRefine(refuseInProduction(['DEV_A', 'DEV_B']));

  it('accepts the switches outside production', () => {
    expect(parseConfig(schema, { NODE_ENV: 'development', DEV_A: 'true', DEV_B: 'yes' })).toMatchObject({ DEV_A: true, DEV_B: true });
    expect(parseConfig(schema, { DEV_A: 'true' }).DEV_A).toBe(true);
  });

  it('accepts production with the switches off', () => {
    expect(parseConfig(schema, { NODE_ENV: 'production', DEV_A: 'false' })).toMatchObject({ DEV_A: false, DEV_B: false });
  });

  it('refuses each switch that is on in production, one line naming it', () => {
    try {
      parseConfig(schema, { NODE_ENV: 'production', DEV_A: 'true', DEV_B: '1' });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'config: DEV_A: must not be set when NODE_ENV=production',
        'config: DEV_B: must not be set when NODE_ENV=production',
      ]);
    }
  });
});

describe('developmentSwitches', () => {
  it('lists the settings declared with developmentSwitch(), not other on/off settings', () => {
    expect(developmentSwitches({ FEATURE: booleanFlag(false), DEV_A: developmentSwitch(), PORT: z.string(), DEV_B: developmentSwitch() })).toEqual(['DEV_A', 'DEV_B']);
  });
});
