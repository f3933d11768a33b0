import { z } from 'zod';
import { booleanFlag, fileSetting } from '@portcullis/config';

const metricsToken = z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').regex(/^[\x21-\x7e]+$/, 'must be visible ASCII, no spaces');

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
  METRICS_TOKEN: metricsToken.optional(),
  /** METRICS_TOKEN read from a file (a mounted secret, which Prometheus can read too). */
  METRICS_TOKEN_FILE: fileSetting(metricsToken),
};

export interface MetricsOptions {
  enabled: boolean;
  token?: string;
}

/** The parsed metricsEnvironment as MetricsModule options. */
export function metricsOptions(settings: { metricsEnabled: boolean; metricsToken?: string; metricsTokenFile?: string }): MetricsOptions {
  const token = settings.metricsToken ?? settings.metricsTokenFile;
  return { enabled: settings.metricsEnabled, ...(token ? { token } : {}) };
}
