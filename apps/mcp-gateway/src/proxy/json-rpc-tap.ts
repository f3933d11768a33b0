import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Sees each JSON-RPC message of an upstream's answer and may replace it. Returning the same
 * object leaves the message's bytes exactly as the upstream sent them.
 */
export type MessageTap = (message: Record<string, unknown>) => Record<string, unknown>;

/** Awaited before tapped output is passed on (e.g. until the audit records it caused are committed). */
export type BeforeWrite = () => Promise<void>;

function pass(out: Buffer | string | undefined, done: TransformCallback, beforeWrite?: BeforeWrite): void {
  if (!beforeWrite) return done(null, out);
  beforeWrite().then(
    () => done(null, out),
    (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
  );
}

/** Larger than any answer worth reading; past it the answer is cut, not buffered without end. */
export const MAX_INSPECTED_BYTES = 8 * 1024 * 1024;

export class AnswerTooLarge extends Error {
  constructor() {
    super(`an upstream message is larger than ${MAX_INSPECTED_BYTES} bytes`);
  }
}

function applyTap(value: unknown, tap: MessageTap): { value: unknown; changed: boolean } {
  const one = (m: unknown) => (typeof m === 'object' && m !== null && !Array.isArray(m) ? tap(m as Record<string, unknown>) : m);
  if (Array.isArray(value)) {
    const out = value.map(one);
    return { value: out, changed: out.some((m, i) => m !== value[i]) };
  }
  const out = one(value);
  return { value: out, changed: out !== value };
}

/**
 * A JSON answer (`application/json`), read whole (it is one document, not a stream): one
 * message or a batch, tapped, and returned — re-serialised only when the tap changed something,
 * else the upstream's own bytes (also when they are not JSON at all).
 */
export function tapJsonAnswer(raw: Buffer, tap: MessageTap): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return raw;
  }
  const { value, changed } = applyTap(parsed, tap);
  return changed ? Buffer.from(JSON.stringify(value)) : raw;
}

/** Where one SSE event ends: a blank line (WHATWG HTML, "Server-sent events", §9.2.5). */
const EVENT_END = /\r\n\r\n|\n\n|\r\r/;

/**
 * An SSE answer (`text/event-stream`), event by event as they arrive: nothing waits for the end
 * of the stream. An event whose data is a JSON-RPC message the tap changes is rewritten (its
 * other fields — `id`, `event`, `retry` — kept, so resumption still works); every other event,
 * comment and keep-alive passes byte for byte.
 */
export function sseTap(tap: MessageTap, beforeWrite?: BeforeWrite): Transform {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const rewrite = (event: string): string => {
    const lines = event.split(/\r\n|\n|\r/);
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
    if (data.length === 0) return event;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      return event;
    }
    const { value, changed } = applyTap(parsed, tap);
    if (!changed) return event;
    const others = lines.filter((l) => !l.startsWith('data:'));
    return [...others, `data: ${JSON.stringify(value)}`].join('\n');
  };
  const drain = (final: boolean): string => {
    let out = '';
    for (let match = EVENT_END.exec(pending); match; match = EVENT_END.exec(pending)) {
      out += rewrite(pending.slice(0, match.index)) + match[0];
      pending = pending.slice(match.index + match[0].length);
    }
    if (final && pending !== '') {
      out += pending;
      pending = '';
    }
    return out;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      pending += decoder.write(chunk);
      const out = drain(false);
      if (pending.length > MAX_INSPECTED_BYTES) return done(new AnswerTooLarge());
      pass(out === '' ? undefined : out, done, beforeWrite);
    },
    flush(done: TransformCallback) {
      pending += decoder.end();
      const out = drain(true);
      pass(out === '' ? undefined : out, done, beforeWrite);
    },
  });
}
