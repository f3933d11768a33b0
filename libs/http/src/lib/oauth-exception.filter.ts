import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, TemporarilyUnavailable } from '@portcullis/oauth';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyUnavailable, unavailableReason } from './dependency-unavailable';
import { knownClientId } from './request-client';
import { isRefusalLogged, setRefusalReason } from './refusal-log';
import { withRequestId } from './logging/request-context';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** The request line's reason for Fastify's own request errors: more precise than `invalid_request`. */
const FASTIFY_REASONS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
};

/**
 * Fastify `onError` hook: names the reason of Fastify's own refusals while their code is still
 * known (Nest hands the filter an HttpException made from the message and status only).
 */
export function noteFastifyRefusal(request: FastifyRequest, _reply: FastifyReply, error: FastifyLikeError, done: () => void): void {
  const reason = error.code ? FASTIFY_REASONS[error.code] : undefined;
  if (reason) setRefusalReason(request, reason);
  done();
}

/** Maps Fastify's own request errors (body parsing, limits) to precise client errors. */
function fromFastifyError(err: FastifyLikeError): OAuthError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('invalid_request', 'request body too large', 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError('invalid_request', 'unsupported content type', 415);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new OAuthError('invalid_request', 'malformed JSON body', 400);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new OAuthError('invalid_request', 'malformed request', err.statusCode);
  }
  return undefined;
}

const RETRY_AFTER = { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) };

/**
 * The one place errors become responses. OAuth errors render as RFC 6749 §5.2 JSON with
 * `Cache-Control: no-store`; framework errors become precise 4xx; a database that cannot be
 * reached is 503 `temporarily_unavailable` with Retry-After (RFC 9110 §15.6.4), so clients
 * retry instead of giving up; anything else is a 500 with no detail (the detail goes to the
 * log, never to the client).
 *
 * Every refusal is also one JSON log line with its OAuth `error` code, the route and the
 * client_id when known, so a person at a terminal can tell why a request failed. Never the
 * description (it may quote what the client sent) and never a credential.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('oauth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest | undefined>();
    if (reply.sent) return;
    if (exception instanceof HttpException && exception.getStatus() === 503) {
      // A health check that is not ready (@nestjs/terminus): its report is the body.
      if (request) setRefusalReason(request, 'not_ready');
      reply.code(503).headers({ 'cache-control': 'no-store', ...RETRY_AFTER }).type('application/json').send(exception.getResponse());
      return;
    }
    const error = this.toOAuthError(exception, request);
    if (request) setRefusalReason(request, refusalReasonOf(exception, error));
    if ((error.status < 500 || error.status === 503) && !(request && isRefusalLogged(request))) this.logRefusal(error, request);
    reply
      .code(error.status)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...error.headers })
      .type('application/json')
      .send(error.toJSON());
  }

  private toOAuthError(exception: unknown, request: FastifyRequest | undefined): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const code = status === 404 ? 'not_found' : 'invalid_request';
        return new OAuthError(code as 'invalid_request', status === 404 ? 'no such endpoint' : exception.message, status);
      }
    }
    if (exception instanceof SyntaxError && (exception as FastifyLikeError).statusCode === 400) {
      return new OAuthError('invalid_request', 'malformed JSON body', 400);
    }
    const mapped = fromFastifyError((exception ?? {}) as FastifyLikeError);
    if (mapped) return mapped;
    if (isDependencyUnavailable(exception)) {
      this.logger.warn({ ...requestIdOf(request), event: 'dependency_unavailable', dependency: 'database', reason: unavailableReason(exception) });
      const unavailable = new TemporarilyUnavailable('the service is temporarily unavailable; retry shortly');
      return new OAuthError(unavailable.error, unavailable.description, unavailable.status, RETRY_AFTER);
    }
    const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(withRequestId(request?.id, detail));
    return new OAuthError('server_error', 'the server could not complete the request', 500);
  }

  private logRefusal(error: OAuthError, request: FastifyRequest | undefined): void {
    const clientId = request ? knownClientId(request) : undefined;
    this.logger.warn({
      ...requestIdOf(request),
      event: 'oauth_error',
      error: error.error,
      status: error.status,
      route: request ? `${request.method} ${routeOf(request)}` : undefined,
      ...(clientId ? { client_id: clientId } : {}),
    });
  }
}

/** An error that names its own request-line reason (a JSON-RPC refusal: its code) rather than its OAuth `error`. */
export interface OwnRefusalReason {
  readonly refusalReason: string;
}

/** The request line's reason, unless a more precise one was set already: the OAuth `error` code. */
function refusalReasonOf(exception: unknown, error: OAuthError): string {
  const own = (exception as Partial<OwnRefusalReason> | null)?.refusalReason;
  if (typeof own === 'string') return own;
  const code = (exception as FastifyLikeError | null)?.code;
  if (code && FASTIFY_REASONS[code]) return FASTIFY_REASONS[code];
  if (exception instanceof SyntaxError && error.status === 400) return 'malformed_json';
  return error.error;
}

/**
 * The request's id, named on the filter's own lines: a service that hands request ids on
 * explicitly (request-context.ts) has no context the logger could find it in.
 */
function requestIdOf(request: FastifyRequest | undefined): { requestId?: string } {
  return request?.id ? { requestId: request.id } : {};
}

/** The route pattern (`/register/:clientId`), or the path without its query string. */
function routeOf(request: FastifyRequest): string {
  const pattern = request.routeOptions?.url;
  if (pattern) return pattern;
  const url = request.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
