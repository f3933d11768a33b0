import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent } from 'undici';

export interface UpstreamCall {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The longest wait for the answer's headers. */
  headersTimeoutMs: number;
  /** Emits 'abort' when the call must end (its client left). */
  signal: EventEmitter;
}

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The answer's body, decoded if the upstream encoded it anyway. */
  body: Readable;
}

/**
 * Ends an answer's body unread. undici reports a body destroyed before its end as an error
 * event (RequestAbortedError), which would crash the process with no listener.
 */
export function discard(body: Readable): void {
  body.on('error', () => undefined).destroy();
}

/** The upstream did not send its headers in time. */
export class UpstreamHeadersTimeout extends Error {}
/** The upstream encoded its answer in a coding the gateway cannot read. */
export class UpstreamEncodingRefused extends Error {}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The gateway's HTTP client toward its upstreams: undici's request API on one keep-alive
 * connection pool per upstream origin. Not `fetch`: fetch builds WHATWG Request, Headers,
 * AbortSignal and web-stream objects for every call, which the gateway turned back into a Node
 * stream — a third of its CPU per proxied call in a profile (bench/gateway/README.md).
 */
@Injectable()
export class UpstreamHttp implements OnApplicationShutdown {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  /** Each upstream URL split once into undici's origin and path, not parsed again for every call. */
  private readonly targets = new Map<string, { origin: string; path: string }>();

  async call(url: string, call: UpstreamCall): Promise<UpstreamAnswer> {
    // The gateway reads every answer it inspects; it asks for no content coding (RFC 9110
    // §12.5.3: `identity` alone) rather than offering codings it would have to undo.
    const headers = { ...call.headers, 'accept-encoding': 'identity' };
    // Our own timer, not undici's headersTimeout: undici runs timeouts of a second or more on a
    // coarse clock that may fire early.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.signal.emit('abort');
    }, call.headersTimeoutMs);
    let answer;
    try {
      const { origin, path } = this.target(url);
      answer = await this.agent.request({ origin, path, method: call.method as 'POST', headers, body: call.body, signal: call.signal, headersTimeout: 0, bodyTimeout: 0 });
    } catch (err) {
      throw timedOut ? new UpstreamHeadersTimeout() : err;
    } finally {
      clearTimeout(timer);
    }
    const coding = String(answer.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (coding === 'identity' || coding === '') return { status: answer.statusCode, headers: answer.headers, body: answer.body };
    const decoder = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
    if (!decoder) {
      discard(answer.body);
      throw new UpstreamEncodingRefused(`answered in an unsupported content coding (${coding.slice(0, 32)})`);
    }
    const decoded = decoder();
    answer.body.on('error', (err) => decoded.destroy(err)).pipe(decoded);
    return { status: answer.statusCode, headers: answer.headers, body: decoded };
  }

  private target(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      // The URLs are the gateway file's upstreams: a fixed, small set.
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      this.targets.set(url, target);
    }
    return target;
  }

  /** After the HTTP server closed: what is still open belongs to no client. */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }
}
