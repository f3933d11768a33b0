import { z } from 'zod';
import { DEFAULT_PURGE_BATCH_SIZE } from './purger';

/**
 * The settings of a service that purges expired rows, by environment variable name, for an app
 * to spread into its environment (libs/config `configSchema`): one definition, the same names,
 * defaults and validation in every service.
 */
export const purgeEnvironment = {
  /** Seconds between purges of expired rows (a round runs on one replica at a time); 0 = never. */
  PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Rows deleted per statement: each delete is a short transaction that never holds writers up long. */
  PURGE_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_PURGE_BATCH_SIZE),
};
