import type { FastifyRequest } from 'fastify';

/**
 * The client a request is about, for the error log line. An endpoint that authenticated the
 * client notes it; otherwise the `client_id` the request named is used, if it looks like one.
 */
const noted = new WeakMap<object, string>();

/** Visible ASCII, at most 255 characters: a client_id, not pasted text. */
const CLIENT_ID_SHAPE = /^[\x21-\x7e]{1,255}$/;
/** Three base64url segments: a JWT (perhaps a token pasted as client_id) is never logged. */
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;

export function noteClientId(request: FastifyRequest, clientId: string): void {
  noted.set(request, clientId);
}

export function knownClientId(request: FastifyRequest): string | undefined {
  const authenticated = noted.get(request);
  if (authenticated) return authenticated;
  const claimed = firstString((request.body as Record<string, unknown> | undefined)?.client_id) ?? firstString((request.query as Record<string, unknown> | undefined)?.client_id);
  if (claimed === undefined || !CLIENT_ID_SHAPE.test(claimed) || JWT_SHAPE.test(claimed)) return undefined;
  return claimed;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
