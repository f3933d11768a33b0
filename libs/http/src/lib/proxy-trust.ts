import type { TrustProxy } from '@portcullis/config';

/** What Fastify's `trustProxy` option is given: proxy-addr's trust test (address, hop index). */
export type FastifyTrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/**
 * TRUST_PROXY in the form Fastify takes. A hop count `n` believes the `n` nearest hops of
 * X-Forwarded-For (hop 0 is the socket peer): since 5.12 Fastify reads a bare number as
 * "believe none" (a hop count cannot tell a proxy from a direct client), so the count is
 * passed as the trust test it always meant. SECURITY.md says when a count is safe: only when
 * the proxies are the only way in; otherwise name their addresses.
 */
export function fastifyTrustProxy(trust: TrustProxy): FastifyTrustProxy {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}
