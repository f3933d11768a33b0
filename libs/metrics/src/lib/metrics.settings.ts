import { z } from 'zod';
import { booleanFlag } from '@portcullis/config';

/**
 * The settings of /metrics, by environment variable name, for an app to spread into its
 * environment (libs/config `configSchema`): the same names in every service.
 */
export const metricsEnvironment = {
  /** Serve /metrics (Prometheus text format) on the service's own port; `false` turns it off (404). */
  METRICS_ENABLED: booleanFlag(true),
  /**
   * When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (Prometheus:
   * `authorization: { credentials_file: … }`). Long and random: it is compared, not hashed at rest.
   */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').regex(/^[\x21-\x7e]+$/, 'must be visible ASCII, no spaces').optional(),
};

export interface MetricsOptions {
  enabled: boolean;
  token?: string;
}

/** The parsed metricsEnvironment as MetricsModule options. */
export function metricsOptions(settings: { metricsEnabled: boolean; metricsToken?: string }): MetricsOptions {
  return { enabled: settings.metricsEnabled, ...(settings.metricsToken ? { token: settings.metricsToken } : {}) };
}
