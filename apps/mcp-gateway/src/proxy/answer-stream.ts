import type { ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import type { JsonRpcId } from '../access/mcp-body';

/** How an answer's stream ended. */
export type StreamEnd = 'complete' | 'idle' | 'broken';

export interface AnswerStreamOptions {
  /** Reads (and may rewrite) the answer on its way; absent: bytes pass untouched. */
  tap?: Transform;
  /** The longest silence from the upstream; absent: none (a GET stream may be quiet for hours). */
  idleTimeoutMs?: number;
  /** Ends the upstream request (its fetch's AbortController). */
  abortUpstream: () => void;
}

/**
 * Copies an upstream answer to the client as it arrives, with backpressure. While the client
 * is slow to read, the upstream is not read either, so only the upstream's own silence counts
 * towards the idle timeout. The client's response is never ended here: the caller decides,
 * by how the stream ended, whether to add a last event, end it, or cut it.
 *
 * Plain 'data'/'end' listeners rather than stream.pipeline into an async sink: pipeline builds
 * an AbortController, a PassThrough and an async iterator (a promise per chunk) for every answer,
 * a visible share of the gateway's CPU per call (bench/gateway/README.md), for what is here one
 * or two chunks. What pipeline guaranteed is kept: any stream failing or closing early ends the
 * copy as broken (or idle) and destroys the others.
 */
export function copyAnswer(body: Readable, client: ServerResponse, options: AnswerStreamOptions): Promise<StreamEnd> {
  const source: Readable = options.tap ? body.pipe(options.tap) : body;
  return new Promise<StreamEnd>((resolve) => {
    let idle = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (options.idleTimeoutMs === undefined) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        options.abortUpstream();
      }, options.idleTimeoutMs);
    };
    const settle = (end: StreamEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      source.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onClose);
      client.off('drain', onDrain);
      if (source !== body) body.off('error', onFailure).off('close', onBodyClose);
      if (end !== 'complete') {
        // As pipeline did: nothing keeps reading or holding a connection once the copy failed.
        body.on('error', () => undefined).destroy();
        if (source !== body) source.on('error', () => undefined).destroy();
      }
      resolve(end);
    };
    const onData = (chunk: Buffer | string) => {
      clearTimeout(timer);
      // The client's buffer is full: stop reading until it drains (the upstream is not silent meanwhile).
      if (!client.write(chunk)) source.pause();
      else arm();
    };
    const onDrain = () => {
      if (!source.isPaused()) return;
      source.resume();
      arm();
    };
    const onEnd = () => settle('complete');
    const onFailure = () => settle(idle ? 'idle' : 'broken');
    // Closed before its end (destroyed without an error, e.g. by abortUpstream): not whole.
    const onClose = () => {
      if (!source.readableEnded) onFailure();
    };
    const onBodyClose = () => {
      if (!body.readableEnded) onFailure();
    };
    source.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onClose);
    if (source !== body) body.on('error', onFailure).on('close', onBodyClose);
    client.on('drain', onDrain);
    arm();
  });
}

/** A whole answer read, or how reading it ended early. */
export type WholeAnswer = { end: 'complete'; body: Buffer } | { end: 'idle' | 'broken' };

export interface WholeAnswerOptions {
  /** The longest silence from the upstream; absent: none. */
  idleTimeoutMs?: number;
  /** Past this many bytes the answer is cut (broken), not buffered without end. */
  maxBytes: number;
  /** Ends the upstream request. */
  abortUpstream: () => void;
}

/**
 * Reads an upstream answer whole, for one that must be seen entire before any of it goes out
 * (a JSON answer the gateway inspects: it is one document). The client then gets it in one
 * write with a Content-Length (RFC 9110 §8.6) rather than chunked (RFC 9112 §7.1), which would
 * take a second socket write for the last chunk. Ends as copyAnswer does: idle when the
 * upstream falls silent for idleTimeoutMs (the upstream is aborted), broken when the body fails,
 * closes before its end or grows past maxBytes (the body is destroyed).
 */
export function readAnswer(body: Readable, options: WholeAnswerOptions): Promise<WholeAnswer> {
  return new Promise<WholeAnswer>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle = false;
    let settled = false;
    // One timer for the whole answer, restarted by each chunk (refresh, not a new Timeout each time).
    const timer =
      options.idleTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            idle = true;
            options.abortUpstream();
          }, options.idleTimeoutMs);
    const arm = () => {
      if (!idle) timer?.refresh();
    };
    const settle = (answer: WholeAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      body.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onClose);
      if (answer.end !== 'complete') body.on('error', () => undefined).destroy();
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) return settle({ end: 'broken' });
      chunks.push(chunk);
      arm();
    };
    const onEnd = () => settle({ end: 'complete', body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
    const onFailure = () => settle({ end: idle ? 'idle' : 'broken' });
    const onClose = () => {
      if (!body.readableEnded) onFailure();
    };
    body.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onClose);
  });
}

/** Ids of the requests (not notifications) in a JSON-RPC body: what an answer still owes. */
export function requestIds(body: unknown): JsonRpcId[] {
  const messages = Array.isArray(body) ? body : [body];
  const ids: JsonRpcId[] = [];
  for (const m of messages) {
    if (typeof m !== 'object' || m === null || typeof (m as { method?: unknown }).method !== 'string') continue;
    const id = (m as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') ids.push(id);
  }
  return ids;
}

/** One SSE event carrying one JSON-RPC message (Streamable HTTP sends responses this way). */
export function sseMessage(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}
