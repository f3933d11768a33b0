import type { FastifyInstance } from 'fastify';
import { OAuthError } from '@portcullis/oauth';
import { parseForm, RawParams } from './form-body';

/** Where a query string refused by parseForm waits for the onRequest hook to report it. */
const REFUSED_QUERY = Symbol('refused query');

/**
 * Fastify's `routerOptions.querystringParser`: the same parser, caps and repeated-parameter
 * view as form bodies. The router calls it outside any error handling (an exception here
 * would end the process), so a refusal is returned inside an empty query and thrown by
 * `refuseBadQueries` below.
 */
export function parseQueryString(query: string): RawParams {
  try {
    return parseForm(query);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    const refused: RawParams = Object.create(null);
    Object.defineProperty(refused, REFUSED_QUERY, { value: err, enumerable: false });
    return refused;
  }
}

/**
 * Registers parseForm for `application/x-www-form-urlencoded` bodies and the hook that turns
 * a query refused by parseQueryString into its `invalid_request`, so both reach the one error
 * filter as a 400 and never as a 500.
 */
export function registerParamsParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Callback form, not async: an async hook costs every request a promise and a microtask
  // turn before the next hook runs.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const refused = (request.query as { [REFUSED_QUERY]?: OAuthError } | undefined)?.[REFUSED_QUERY];
    done(refused);
  });
}
