import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';

/**
 * The two cookies of the person's flow. Both HttpOnly and SameSite=Lax (not sent on
 * cross-site POSTs, a second line of CSRF defence after the form token), Secure when the
 * issuer is https.
 * - `pc_browser`: a random id binding an interaction to the browser that started it.
 * - `pc_session`: a random session id after login (the server stores its digest).
 */
export const BROWSER_COOKIE = 'pc_browser';
export const SESSION_COOKIE = 'pc_session';

/**
 * Whether the cookies carry Secure (RFC 6265 §4.1.2.5): on an https issuer always; on a
 * plain-http development issuer never, or the browser would not send them back at all.
 */
export function secureCookies(issuerUrl: string): boolean {
  return issuerUrl.startsWith('https:');
}

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const value = req.cookies?.[name];
  return typeof value === 'string' && /^[\w-]{16,128}$/.test(value) ? value : undefined;
}

export function setCookie(reply: FastifyReply, name: string, value: string, secure: boolean, maxAgeSeconds?: number): void {
  reply.setCookie(name, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) });
}

/** The browser id, creating the cookie on first sight. */
export function ensureBrowserId(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readCookie(req, BROWSER_COOKIE);
  if (existing) return existing;
  const id = randomBytes(24).toString('base64url');
  setCookie(reply, BROWSER_COOKIE, id, secure);
  return id;
}
