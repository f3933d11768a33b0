import { z } from 'zod';
import { camelCaseKeys } from './camel-case-keys';
import { developmentSwitches, refuseInProduction } from './development-only';

/**
 * A service's configuration: `shape` names each environment variable as published
 * (SCREAMING_CASE, the public contract) with its type and default; the parsed result is one
 * typed object with the same settings in camelCase (`ACCESS_TOKEN_TTL` → `accessTokenTtl`).
 * Problems are reported under the variable's own name, before the keys are renamed, and every
 * developmentSwitch() in the shape is refused when NODE_ENV=production.
 */
export function configSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(shape)
    .superRefine(refuseInProduction(developmentSwitches(shape)))
    .transform((env) => camelCaseKeys(env));
}
