import { ConsoleLogger, INestApplication, LogLevel, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from '@fastify/cors';
import cookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import { LogController } from 'fastify';
import type { TrustProxy } from '@portcullis/config';
import { OAuthExceptionFilter } from './oauth-exception.filter';
import { parseQueryString, registerParamsParsers } from './params-parsers';

export interface HttpAppOptions {
  /** Largest accepted request body in bytes. OAuth requests are small. */
  bodyLimit?: number;
  /** Emit one JSON log line per request (on by default outside tests). */
  requestLog?: boolean;
  logLevels?: LogLevel[];
  /**
   * Whose X-Forwarded-* to believe: false (nobody), a hop count, or proxy addresses/CIDRs
   * (TRUST_PROXY, libs/config). Never `true`: that believes the leftmost address, which the
   * client writes itself.
   */
  trustProxy?: TrustProxy;
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

/**
 * Creates a Nest application on Fastify with what every Portcullis service needs: form and
 * JSON bodies with a size limit, cookies, CORS open to browser-based MCP clients (with
 * `WWW-Authenticate` exposed so they can read challenges) on every path but /internal/, one
 * error filter, and request logs that carry a request id and never a query string or body.
 */
export async function createHttpApp(module: Type<unknown> | NestApplicationSource, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const requestLog = options.requestLog ?? process.env.NODE_ENV !== 'test';
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  const adapter = new FastifyAdapter({
    bodyLimit,
    // Query strings get the form parser's caps and view of repeated parameters.
    routerOptions: { querystringParser: parseQueryString },
    trustProxy: options.trustProxy ?? false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // One log line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    logger: requestLog
      ? {
          level: 'info',
          serializers: {
            req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: pathOnly(req.url), id: req.id }),
          },
        }
      : false,
  });
  const nestOptions: NestApplicationOptions = {
    // The application's own log lines are JSON too, like the request lines: one object a line.
    logger: new ConsoleLogger({
      json: true,
      logLevels: options.logLevels ?? (process.env.NODE_ENV === 'test' ? ['error'] : ['log', 'warn', 'error']),
    }),
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
  const browserCors = {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID', 'X-Request-Id'],
    exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'X-Request-Id', 'Retry-After'],
    maxAge: 600,
  };
  // Server-to-server paths (/internal/, /metrics) get no CORS at all: no Access-Control-*
  // header, and a preflight is not answered, so no web page can read them.
  await fastify.register(cors, {
    delegator: (request, callback) => callback(null, isInternalPath(request.url) || isMetricsPath(request.url) ? { origin: false } : browserCors),
  });
  // Hooks in callback form, not async: an async hook costs every request a promise and a
  // microtask turn before Fastify moves on.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  if (requestLog) {
    fastify.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request',
      );
      done();
    });
  }
  app.useGlobalFilters(new OAuthExceptionFilter());
  app.enableShutdownHooks();
  return app;
}

export type { INestApplication };
