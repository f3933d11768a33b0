import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '@portcullis/oauth';

/**
 * RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1: these endpoints take
 * `application/x-www-form-urlencoded` bodies only.
 */
export function requireFormBody(req: FastifyRequest): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  if (!req.body || typeof req.body !== 'object') throw new InvalidRequest('the request body is empty');
}
