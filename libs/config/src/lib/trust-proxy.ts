import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which reverse proxies' `X-Forwarded-For` to believe, in the forms Fastify's `trustProxy`
 * takes (https://fastify.dev/docs/latest/Reference/Server/#trustproxy): `false` (believe
 * none: the client address is the peer's), a hop count, or the proxies' addresses.
 */
export type TrustProxy = false | number | string[];

/** Names @fastify/proxy-addr gives to address ranges (loopback, link-local, unique-local). */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or one of RANGE_NAMES. */
function isProxyAddress(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const slash = entry.indexOf('/');
  if (slash === -1) return isIP(entry) !== 0;
  const version = isIP(entry.slice(0, slash));
  const prefix = entry.slice(slash + 1);
  if (version === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: `false` (default) | a hop count such as `1` | a comma-separated list of proxy
 * addresses and CIDR ranges such as `10.0.0.0/8,fd00::/8`.
 *
 * `true` is refused rather than read as some number of hops. To Fastify it means "believe
 * every hop": the client address becomes the leftmost X-Forwarded-For entry, which the client
 * writes itself, so rotating it walks past every per-address limit (issue 9). Quietly reading
 * it as 1 hop would change what an operator who copied it from Fastify's documentation meant
 * and would still be wrong behind two proxies; the start-up line asks for the topology instead.
 */
export const trustProxy = z
  .string()
  .optional()
  .transform((raw, ctx): TrustProxy => {
    const value = (raw ?? '').trim();
    if (value === '' || value === 'false' || value === '0') return false;
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message:
          '"true" would believe any X-Forwarded-For a client sends; give the number of proxies in front of this service (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8), or false',
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops > 16) {
        ctx.addIssue({ code: 'custom', message: `a hop count of ${hops} is not a plausible chain of proxies (at most 16)` });
        return z.NEVER;
      }
      return hops;
    }
    const entries = value.split(',').map((s) => s.trim());
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `not a hop count nor proxy addresses: ${bad.map((b) => JSON.stringify(b)).join(', ')} (expected e.g. 1, or 10.0.0.0/8,192.168.1.7, or loopback/linklocal/uniquelocal)`,
      });
      return z.NEVER;
    }
    return entries;
  });
