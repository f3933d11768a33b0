import { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import cookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import { LogController } from 'fastify';
import type { Logger } from 'pino';
import type { TrustProxy } from '@portcullis/config';
import { fastifyTrustProxy } from './proxy-trust';
import { nameServerSpan, tracedServerFactory, tracingStarted } from '@portcullis/tracing';
import { type CorsPolicy, registerCors } from './cors';
import { createLogger } from './logging/create-logger';
import { lazyChildLoggerFactory } from './logging/lazy-child-logger';
import type { LoggingSettings } from './logging/logging.settings';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { isValidRequestId, REQUEST_ID_HEADER, type RequestContextMode, runInRequestContext } from './logging/request-context';
import { noteFastifyRefusal, OAuthExceptionFilter } from './oauth-exception.filter';
import { refusalReason } from './refusal-log';
import { parseQueryString, registerParamsParsers } from './params-parsers';

export interface HttpAppOptions {
  /** Largest accepted request body in bytes. OAuth requests are small. */
  bodyLimit?: number;
  /** Write one log line per request (default: when the level lets info lines through). */
  requestLog?: boolean;
  /** LOG_LEVEL and LOG_FORMAT (loggingEnvironment); unset ones get their defaults. */
  logging?: LoggingSettings;
  /** The logger to write through instead of one made from `logging` (tests read its lines). */
  logger?: Logger;
  /**
   * Whose X-Forwarded-* to believe: false (nobody), a hop count, or proxy addresses/CIDRs
   * (TRUST_PROXY, libs/config). Never `true`: that believes the leftmost address, which the
   * client writes itself.
   */
  trustProxy?: TrustProxy;
  /**
   * Paths a browser may call only from these origins (e.g. the audit query API: only the
   * console), instead of from any origin. Bearer only: credentials are never allowed.
   */
  corsOrigins?: { pathPrefix: string; origins: readonly string[] };
  /**
   * How handlers find their request's id (request-context.ts): entered into an
   * AsyncLocalStorage (default), or `explicit` — never entered, the service passing
   * `request.id` on to its log lines, events and outgoing calls itself (no promise hooks on
   * Node 20).
   */
  requestContext?: RequestContextMode;
}

/**
 * A compiled module that makes its own application, e.g. a `TestingModule` whose providers a
 * test or a benchmark has overridden: served exactly like a module class.
 */
export interface NestApplicationSource {
  createNestApplication<T extends INestApplication = INestApplication>(adapter: FastifyAdapter, options?: NestApplicationOptions): T;
}

/** Paths under /internal/ are for other services only, never for browsers (no CORS). */
export const INTERNAL_PATH_PREFIX = '/internal/';

export function isInternalPath(url: string): boolean {
  return url.startsWith(INTERNAL_PATH_PREFIX);
}

/** Where a service serves its Prometheus metrics (libs/metrics): for the scraper, never for browsers. */
export const METRICS_PATH = '/metrics';

export function isMetricsPath(url: string): boolean {
  return url === METRICS_PATH || url.startsWith(`${METRICS_PATH}?`);
}

/** Strips the query string: it may carry values that must not reach logs. */
function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The fields of a request's one log line: never a query string, a header or a body. */
export function requestLine(requestId: string, method: string, url: string, status: number, elapsedMs: number, reason?: string): Record<string, unknown> {
  const line: Record<string, unknown> = { requestId, method, path: pathOnly(url), status, ms: Math.round(elapsedMs * 10) / 10 };
  // Every 4xx/5xx says why; an answer whose maker named no reason still says it was not given.
  if (status >= 400) line['reason'] = reason ?? 'unspecified';
  return line;
}

/**
 * Creates a Nest application on Fastify with what every Portcullis service needs: form and
 * JSON bodies with a size limit, cookies, CORS open to browser-based MCP clients (with
 * `WWW-Authenticate` exposed so they can read challenges) on every path but /internal/, one
 * error filter, and request logs that carry a request id and never a query string or body.
 */
export async function createHttpApp(module: Type<unknown> | NestApplicationSource, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  // With tracing on, each request runs inside a server span (libs/tracing); off, nothing changes.
  const traced = tracingStarted();
  // One pino logger for Fastify and Nest alike: one format on the terminal.
  const logger = options.logger ?? createLogger(options.logging);
  // Request lines are info lines: on unless LOG_LEVEL is above info (as under NODE_ENV=test).
  const requestLog = options.requestLog ?? logger.isLevelEnabled('info');
  const adapter = new FastifyAdapter({
    ...(traced ? { serverFactory: tracedServerFactory } : {}),
    bodyLimit,
    // Query strings get the form parser's caps and view of repeated parameters.
    routerOptions: { querystringParser: parseQueryString },
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers[REQUEST_ID_HEADER];
      return isValidRequestId(given) ? given : randomUUID();
    },
    // One log line per request, written by the onResponse hook below; Fastify's own request
    // loggers name the id like every other line does.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    loggerInstance: logger,
    // request.log made only when something logs through it (on the hot paths nothing does).
    childLoggerFactory: lazyChildLoggerFactory,
  });
  const nestOptions: NestApplicationOptions = {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    // Form bodies are parsed by our own parser (parseForm): repeated parameters are seen, and capped.
    bodyParser: false,
  };
  const app =
    'createNestApplication' in module
      ? module.createNestApplication<NestFastifyApplication>(adapter, nestOptions)
      : await NestFactory.create<NestFastifyApplication>(module, adapter, nestOptions);
  const fastify = app.getHttpAdapter().getInstance();
  registerParamsParsers(fastify, bodyLimit);
  await fastify.register(cookie);
  const browserCors: CorsPolicy = {
    origins: '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID', 'X-Request-Id'],
    exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'X-Request-Id', 'Retry-After'],
    maxAgeSeconds: 600,
  };
  // Server-to-server paths (/internal/, /metrics) get no CORS at all: no Access-Control-*
  // header, and a preflight is not answered, so no web page can read them.
  const limited = options.corsOrigins;
  const limitedCors: CorsPolicy | undefined = limited ? { ...browserCors, origins: [...limited.origins] } : undefined;
  registerCors(fastify, (url) => {
    if (isInternalPath(url) || isMetricsPath(url)) return undefined;
    return limited && limitedCors && url.startsWith(limited.pathPrefix) ? limitedCors : browserCors;
  });
  // Hooks in callback form, not async: an async hook costs every request a promise and a
  // microtask turn before Fastify moves on.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done(null, payload);
  });
  if (traced) {
    fastify.addHook('onRequest', (request, _reply, done) => {
      nameServerSpan(request.method, request.routeOptions.url);
      done();
    });
  }
  fastify.addHook('onError', noteFastifyRefusal);
  // The handler, and everything it starts (log lines, events, calls to other services), runs
  // in the request's context. Entered after the body is read: a body parser's callbacks run
  // in the socket's context, so a context entered earlier would not reach the handler. An
  // `explicit` service enters nothing: its code passes `request.id` on itself.
  if ((options.requestContext ?? 'async-local-storage') === 'async-local-storage') {
    fastify.addHook('preHandler', (request, _reply, done) => runInRequestContext({ requestId: request.id }, done));
  }
  if (requestLog) {
    fastify.addHook('onResponse', (request, reply, done) => {
      logger.info(requestLine(request.id, request.method, request.url, reply.statusCode, reply.elapsedTime, refusalReason(request)), 'request');
      done();
    });
  }
  app.useGlobalFilters(new OAuthExceptionFilter());
  app.enableShutdownHooks();
  return app;
}

export type { INestApplication };
