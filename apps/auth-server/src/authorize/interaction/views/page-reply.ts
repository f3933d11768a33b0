import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { htmlSecurityHeaders } from '@portcullis/http';
import { parseRequest } from '@portcullis/oauth';

/**
 * How every page a person sees is answered: the login, consent, account and federation
 * controllers render with these views and reply through these helpers, so they share one set
 * of headers and one redirect rule.
 */

/**
 * Sends a rendered page with the strict HTML security headers (no script, frame-ancestors
 * 'none', form-action 'self'). `formTarget`: the client redirect URI a form on this page may
 * end at, added to the CSP's form-action.
 */
export function sendPage(reply: FastifyReply, status: number, html: string, formTarget?: string): void {
  reply
    .code(status)
    .headers(htmlSecurityHeaders(formTarget ? [formTarget] : []))
    .type('text/html; charset=utf-8')
    .send(html);
}

/**
 * A 303 See Other, never cached: after a POST the browser follows it with a GET, so a reload
 * never submits the form again (RFC 9110 §15.4.4).
 */
export function seeOther(reply: FastifyReply, url: string): void {
  reply.header('cache-control', 'no-store').redirect(url, 303);
}

/** A page's form body, each field at most once; undefined when it is not one the page sent. */
export function parseForm<T>(req: FastifyRequest, schema: z.ZodType<T>): T | undefined {
  try {
    return parseRequest(schema, req.body ?? {}, { fallback: 'invalid_request' });
  } catch {
    return undefined;
  }
}
