import { z } from 'zod';
import { camelCaseKeys } from './camel-case-keys';
import { developmentSwitches, refuseInProduction } from './development-only';
import { refuseValueAndFile } from './file-setting';

/**
 * A service's configuration: `shape` names each environment variable as published
 * (SCREAMING_CASE, the public contract) with its type and default; the parsed result is one
 * typed object with the same settings in camelCase (`ACCESS_TOKEN_TTL` → `accessTokenTtl`).
 * Problems are reported under the variable's own name, before the keys are renamed, and every
 * developmentSwitch() in the shape is refused when NODE_ENV=production. A secret that may come
 * from a file (`NAME` and `NAME_FILE`, fileSetting()) is refused when given both ways.
 */
export function configSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(shape)
    .superRefine(refuseInProduction(developmentSwitches(shape)))
    .superRefine(refuseValueAndFile(shape))
    .transform((env) => camelCaseKeys(env));
}
