import { z } from 'zod';

/**
 * Development-only switches (benchmark bypasses, plain-http fetching) are refused when
 * NODE_ENV=production, whatever else the environment says: a production process never runs
 * with one on. Use as a schema's `superRefine`; each switch that is on gets one config line.
 */
export function refuseInProduction<Switch extends string>(switches: readonly Switch[]) {
  return (env: { NODE_ENV?: string } & Record<Switch, boolean>, ctx: z.RefinementCtx): void => {
    if (env.NODE_ENV !== 'production') return;
    for (const name of switches) {
      if (env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'must not be set when NODE_ENV=production' });
    }
  };
}
