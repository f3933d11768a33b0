import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
 */
export async function copyAnswer(body: Readable, client: ServerResponse, options: AnswerStreamOptions): Promise<StreamEnd> {
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (options.idleTimeoutMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      options.abortUpstream();
    }, options.idleTimeoutMs);
  };
  const sink = async (source: AsyncIterable<Buffer | string>) => {
    arm();
    for await (const chunk of source) {
      clearTimeout(timer);
      if (!client.write(chunk)) await once(client, 'drain');
      arm();
    }
  };
  try {
    await (options.tap ? pipeline(body, options.tap, sink) : pipeline(body, sink));
    return 'complete';
  } catch {
    return idle ? 'idle' : 'broken';
  } finally {
    clearTimeout(timer);
  }
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
