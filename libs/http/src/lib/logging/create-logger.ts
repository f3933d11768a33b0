import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentRequestId } from './request-context';
import { type LoggingSettings, resolveLogging } from './logging.settings';

/**
 * The one logger of a service: Fastify's request lines and Nest's application lines
 * (PinoNestLogger) both write through it, so a service prints one format.
 *
 * - `json`: one object a line with an ISO time and the level's name (`"level":"warn"`), for
 *   log collectors;
 * - `pretty`: one readable line (pino-pretty, in-process: the apps are webpack bundles, and a
 *   transport's worker thread would have to resolve its target from dist/).
 *
 * A line written while a request is handled carries that request's id.
 */
export function createLogger(settings: LoggingSettings = {}, destination?: DestinationStream): Logger {
  const { logLevel, logFormat } = resolveLogging(settings);
  const options: pino.LoggerOptions = {
    level: logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // A line that names its request itself (the request line) keeps its own value.
    mixin: (line) => {
      if ('requestId' in line) return {};
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  if (logFormat === 'pretty') {
    const stream = pretty({
      destination: destination ?? 1,
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // The context leads the message instead; `error` is an OAuth code, not an Error to unfold.
      ignore: 'pid,hostname,context',
      errorLikeObjectKeys: ['err'],
      messageFormat: '{if context}[{context}] {end}{msg}',
      // Colours only where someone reads them (colorette: a TTY, or FORCE_COLOR).
      colorize: destination === undefined ? pretty.isColorSupported : false,
    });
    return pino(options, stream);
  }
  return destination ? pino(options, destination) : pino(options);
}
