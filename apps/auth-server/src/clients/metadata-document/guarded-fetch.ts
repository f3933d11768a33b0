import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { classifyAddress } from './address-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedFetchOptions {
  /** Host names (or literal addresses) that may resolve to non-public addresses. */
  allowedPrivateHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  /** DNS resolution; the system resolver by default (tests substitute their own). */
  resolveHost?: HostResolver;
}

export interface FetchedDocument {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The fetch was refused or failed; `reason` is safe to show (no response content). */
export class GuardedFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const systemResolver: HostResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves the host and vets every address it has: when any one is not public the host is
 * refused (a name with one public and one private address would otherwise be a coin toss an
 * attacker can win), unless the operator allowed it by name.
 */
export async function vetHost(hostname: string, options: Pick<GuardedFetchOptions, 'allowedPrivateHosts' | 'resolveHost'>): Promise<ResolvedAddress> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = options.allowedPrivateHosts.some((h) => h.replace(/^\[|\]$/g, '').toLowerCase() === host);
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal) addresses = [{ address: host, family: literal as 4 | 6 }];
  else {
    try {
      addresses = await (options.resolveHost ?? systemResolver)(host);
    } catch {
      throw new GuardedFetchError(`host ${host} could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new GuardedFetchError(`host ${host} has no addresses`);
  if (!allowed) {
    for (const { address } of addresses) {
      const cls = classifyAddress(address);
      if (cls !== 'public') throw new GuardedFetchError(`host ${host} resolves to a ${cls} address, which is not fetched from`);
    }
  }
  return addresses[0];
}

/** A lookup that answers with the vetted address only: no second resolution to rebind. */
function pinnedLookup(vetted: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) cb(null, [{ address: vetted.address, family: vetted.family }]);
    else cb(null, vetted.address, vetted.family);
  }) as LookupFunction;
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * GET a JSON document from a URL an outsider chose, defensively (draft-ietf-oauth-client-id-
 * metadata-document §6.5): the host's addresses are vetted, the connection goes to exactly
 * the vetted address, redirects are not followed, and time and size are bounded.
 */
export async function guardedFetch(url: URL, options: GuardedFetchOptions): Promise<FetchedDocument> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new GuardedFetchError('only http(s) URLs are fetched');
  const deadline = Date.now() + options.timeoutMs;
  const vetted = await withDeadline(vetHost(url.hostname, options), deadline);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<FetchedDocument>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      req.destroy();
      reject(new GuardedFetchError(reason));
    };
    const req = request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'portcullis-auth-server (client metadata)' },
        // A fresh connection every time: a pooled socket could belong to another resolution.
        agent: false,
        lookup: pinnedLookup(vetted),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) return fail(`answered with a redirect (HTTP ${status}), which is not followed`);
        if (status !== 200) return fail(`answered HTTP ${status}`);
        if (!isJson(res.headers['content-type'])) return fail('is not served as application/json');
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) return fail(`is larger than ${options.maxBytes} bytes`);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) return fail(`is larger than ${options.maxBytes} bytes`);
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          if (size <= options.maxBytes) resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', () => fail('the response was cut off'));
      },
    );
    const timer = setTimeout(() => fail(`did not answer within ${options.timeoutMs} ms`), Math.max(0, deadline - Date.now()));
    req.on('error', () => fail('could not be fetched (connection failed)'));
    req.end();
  });
}

async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GuardedFetchError('host resolution timed out')), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Nest injection token for the outbound fetch limits (metadata documents, client JWKS). */
export const GUARDED_FETCH_OPTIONS = Symbol('GUARDED_FETCH_OPTIONS');

/**
 * A fetch for jose's remote JWK sets (`customFetch`) that goes through the same guard: a
 * client's `jwks_uri` is chosen by the client, just like a metadata document URL.
 */
export function guardedFetchForJose(options: GuardedFetchOptions): (url: string) => Promise<Response> {
  return async (url: string) => {
    try {
      const fetched = await guardedFetch(new URL(url), options);
      return new Response(new Uint8Array(fetched.body), { status: fetched.status, headers: { 'content-type': 'application/json' } });
    } catch (err) {
      // jose turns a rejected fetch into a failed verification, which becomes invalid_client.
      throw err instanceof GuardedFetchError ? new Error(`jwks_uri ${err.reason}`) : err;
    }
  };
}
