import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '@portcullis/oauth';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
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

/**
 * The one place errors become responses. OAuth errors render as RFC 6749 §5.2 JSON with
 * `Cache-Control: no-store`; framework errors become precise 4xx; anything else is a 500
 * with no detail (the detail goes to the log, never to the client).
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toOAuthError(exception);
    if (reply.sent) return;
    reply
      .code(error.status)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...error.headers })
      .type('application/json')
      .send(error.toJSON());
  }

  private toOAuthError(exception: unknown): OAuthError {
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
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new OAuthError('server_error', 'the server could not complete the request', 500);
  }
}
