import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, type Dispatcher, errors, util } from 'undici';

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

interface RawAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * An answer's body as undici delivers it: chunks pushed as they arrive, the connection paused
 * while the reader is behind (push returned false) and resumed when it reads again. Destroyed
 * before its end (the client left, a timeout, `discard`), it aborts the upstream request.
 */
class UpstreamBody extends Readable {
  complete = false;
  paused = false;

  constructor(
    private readonly resumeUpstream: () => void,
    private readonly abortUpstream: (reason: Error) => void,
  ) {
    // undici's own body stream reads 64 KiB ahead; the same here.
    super({ highWaterMark: 64 * 1024 });
  }

  override _read(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeUpstream();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.complete) this.abortUpstream(err ?? new errors.RequestAbortedError());
    callback(err);
  }
}

/**
 * One upstream request as undici's dispatcher sees it: a handler of our own rather than
 * `request()`, whose RequestHandler is an AsyncResource (async-hooks work on Node 20) with its
 * own body stream class and abort-signal plumbing, per call. The answer promise settles in the
 * caller's async context anyway (an `await` resumes in the context it was entered from), and
 * body events run where undici's run: in the socket's callbacks.
 */
class UpstreamExchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((reason: Error) => void) | undefined;
  private reason: Error | undefined;
  private body: UpstreamBody | undefined;
  private settled = false;

  constructor(
    private readonly resolve: (answer: RawAnswer) => void,
    private readonly reject: (err: Error) => void,
    signal: EventEmitter,
  ) {
    signal.once('abort', () => {
      this.reason ??= new errors.RequestAbortedError();
      if (this.body) this.body.destroy(this.reason);
      else this.abortUpstream?.(this.reason);
    });
  }

  onConnect(abort: (reason: Error) => void): void {
    if (this.reason) return abort(this.reason);
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx (RFC 9110 §15.2) are interim: the final answer follows.
    if (statusCode < 200) return true;
    const abort = this.abortUpstream ?? (() => undefined);
    this.body = new UpstreamBody(resume, abort);
    this.settled = true;
    this.resolve({ statusCode, headers: util.parseHeaders(rawHeaders) as RawAnswer['headers'], body: this.body });
    return true;
  }

  onData(chunk: Buffer): boolean {
    const body = this.body as UpstreamBody;
    if (body.push(chunk)) return true;
    body.paused = true;
    return false;
  }

  onComplete(): void {
    const body = this.body as UpstreamBody;
    body.complete = true;
    body.push(null);
  }

  onError(err: Error): void {
    if (!this.settled) {
      this.settled = true;
      this.reject(err);
      return;
    }
    const body = this.body;
    // As undici's own handler does: after the chunks already queued for the reader.
    if (body) queueMicrotask(() => body.on('error', () => undefined).destroy(err));
  }
}

/**
 * The gateway's HTTP client toward its upstreams: undici's dispatcher on one keep-alive
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
    let answer: RawAnswer;
    try {
      const { origin, path } = this.target(url);
      const options: Dispatcher.DispatchOptions = { origin, path, method: call.method as 'POST', headers, body: call.body, headersTimeout: 0, bodyTimeout: 0 };
      answer = await new Promise<RawAnswer>((resolve, reject) => {
        this.agent.dispatch(options, new UpstreamExchange(resolve, reject, call.signal));
      });
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
