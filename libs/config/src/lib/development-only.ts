import { z } from 'zod';
import { booleanFlag } from './env-types';

/**
 * Development-only switches (plain-http fetching and the like) are refused when
 * NODE_ENV=production, whatever else the environment says: a production process never runs
 * with one on. Use as a schema's `superRefine`; each switch that is on gets one config line.
 */
export function refuseInProduction(switches: readonly string[]) {
  return (env: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx): void => {
    if (env['NODE_ENV'] !== 'production') return;
    for (const name of switches) {
      if (env[name] === true) ctx.addIssue({ code: 'custom', path: [name], message: 'must not be set when NODE_ENV=production' });
    }
  };
}

/** The schemas made by developmentSwitch(): what configSchema() refuses in production. */
const developmentSwitchSchemas = new WeakSet<z.ZodType>();

/**
 * A development-only on/off setting, off by default. Declaring it this way is what makes
 * configSchema() refuse it in production, so no switch can be added without that refusal.
 */
export function developmentSwitch() {
  const schema = booleanFlag(false);
  developmentSwitchSchemas.add(schema);
  return schema;
}

/** The names of the settings in `shape` declared with developmentSwitch(), in order. */
export function developmentSwitches(shape: z.ZodRawShape): string[] {
  return Object.keys(shape).filter((name) => developmentSwitchSchemas.has(shape[name] as z.ZodType));
}
