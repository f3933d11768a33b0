import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The logging settings, by environment variable name, for an app to spread into its config schema. */
export const loggingEnvironment = {
  /** The least severe level written. Unset: `info`, or `error` under NODE_ENV=test (tests stay quiet). */
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  /** `json` (one object a line, for collectors) or `pretty` (one readable line, for a terminal). Unset: pretty on a TTY, else JSON. */
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
};

export interface LoggingSettings {
  logLevel?: LogLevelName;
  logFormat?: LogFormat;
}

/** The settings with their defaults applied, for this process. */
export function resolveLogging(
  settings: LoggingSettings,
  env: NodeJS.ProcessEnv = process.env,
  stdoutIsTty = Boolean(process.stdout.isTTY),
): Required<LoggingSettings> {
  return {
    logLevel: settings.logLevel ?? (env.NODE_ENV === 'test' ? 'error' : 'info'),
    logFormat: settings.logFormat ?? (stdoutIsTty ? 'pretty' : 'json'),
  };
}
