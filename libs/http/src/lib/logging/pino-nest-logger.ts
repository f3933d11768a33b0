import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/** A Nest error's second argument is a stack when it looks like one (`Logger.error(message, stack, context)`). */
const STACK = /\n\s+at /;

/**
 * Nest's LoggerService over the service's pino logger, so `new Logger('x').warn(…)` and Nest's
 * own start-up lines come out in the same format as the request lines. `log` is pino's `info`,
 * `verbose` its `trace`. An object message becomes the line's fields (the refusal lines are
 * objects); the logger's context (`new Logger('oauth')`) becomes `context`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest appends the context last; an error may carry a stack before it.
    const last = params[params.length - 1];
    const context = typeof last === 'string' && !STACK.test(last) ? last : undefined;
    const stack = params.find((p): p is string => typeof p === 'string' && STACK.test(p));
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields['stack'] = stack;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
