import type { FastifyRequest } from 'fastify';
// A token pasted as client_id is never logged: the event contract's one notion of a JWT shape.
import { containsJwtLike } from '@portcullis/contracts';

/**
 * The client a request is about, for the error log line. An endpoint that authenticated the
 * client notes it; otherwise the client_id the request named (HTTP Basic user name, body or
 * query `client_id`) is used, if it looks like one. Never a password or secret.
 */
const noted = new WeakMap<object, string>();

/** Visible ASCII, at most 255 characters: a client_id, not pasted text. */
const CLIENT_ID_SHAPE = /^[\x21-\x7e]{1,255}$/;

export function noteClientId(request: FastifyRequest, clientId: string): void {
  noted.set(request, clientId);
}

export function knownClientId(request: FastifyRequest): string | undefined {
  const authenticated = noted.get(request);
  if (authenticated) return authenticated;
  const claimed =
    basicUser(request.headers?.authorization) ??
    firstString((request.body as Record<string, unknown> | undefined)?.client_id) ??
    firstString((request.query as Record<string, unknown> | undefined)?.client_id);
  if (claimed === undefined || !CLIENT_ID_SHAPE.test(claimed) || containsJwtLike(claimed)) return undefined;
  return claimed;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** RFC 6749 §2.3.1: the form-urlencoded client_id before the colon; the secret is not read. */
function basicUser(header: string | undefined): string | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
