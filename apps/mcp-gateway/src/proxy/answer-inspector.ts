import type { Capability } from '@portcullis/gateway-config';
import type { JsonRpcId, McpBody } from '../access/mcp-body';
import type { MessageTap } from './json-rpc-tap';

/** How one tools/call ended, as the audit event records it. */
export interface CallOutcome {
  tool: string;
  /** undefined: success; else `jsonrpc_<code>`, `tool_error`, or the gateway's own reason. */
  error?: string;
  /** From the request's start to its answer passing through the gateway. */
  durationMs: number;
}

const key = (id: JsonRpcId) => `${typeof id}:${id}`;

/** Where each listing's answer holds its items, and the field each item is known by. */
const LISTED: Record<Capability, { items: string; name: string }[]> = {
  tool: [{ items: 'tools', name: 'name' }],
  resource: [
    { items: 'resources', name: 'uri' },
    // resources/templates/list: a template is matched by its URI template text.
    { items: 'resourceTemplates', name: 'uriTemplate' },
  ],
  prompt: [{ items: 'prompts', name: 'name' }],
};

/**
 * Reads the upstream's answers to the one request it was built for: filters the items of each
 * listing's answer through `listable`, and reports how each tools/call ended (once; a call left
 * unanswered when the stream ends is reported by `finish`). Everything else passes untouched.
 */
export class AnswerInspector {
  private readonly lists: Map<string, Capability>;
  private readonly calls = new Map<string, string>();
  private readonly started = performance.now();
  /** Records started by answers seen, not yet known to be committed. */
  private pending: Promise<void>[] = [];

  constructor(
    body: McpBody,
    private readonly listable: (capability: Capability, name: string) => boolean,
    private readonly report: (outcome: CallOutcome) => Promise<void>,
  ) {
    this.lists = new Map(body.lists.map((l) => [key(l.id), l.capability]));
    for (const use of body.uses) if (use.capability === 'tool' && use.id !== undefined) this.calls.set(key(use.id), use.name);
  }

  /** Whether the answer needs reading at all. */
  get needed(): boolean {
    return this.lists.size > 0 || this.calls.size > 0;
  }

  readonly tap: MessageTap = (message) => {
    const id = message['id'];
    if (typeof id !== 'string' && typeof id !== 'number') return message;
    if (!('result' in message) && !('error' in message)) return message;
    const k = key(id);
    const tool = this.calls.get(k);
    if (tool !== undefined) {
      this.calls.delete(k);
      this.pending.push(this.report({ tool, error: outcomeError(message), durationMs: performance.now() - this.started }));
    }
    const listed = this.lists.get(k);
    return listed ? this.filterList(message, listed) : message;
  };

  /**
   * Resolves once every outcome reported so far is recorded: the taps wait for it before they
   * pass an answer on, so a call's audit record is committed before its answer goes out (as on
   * the mcp-server: at least once, even if the process dies right after answering).
   */
  recorded(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    // One call per answer is the common case: its own promise, not a Promise.all around it.
    if (this.pending.length === 1) return this.pending.pop() as Promise<void>;
    return Promise.all(this.pending.splice(0)).then(() => undefined);
  }

  /** Calls that got no answer: the stream ended or broke first (`reason`). */
  finish(reason: string): Promise<void> {
    for (const tool of this.calls.values()) this.pending.push(this.report({ tool, error: reason, durationMs: performance.now() - this.started }));
    this.calls.clear();
    return this.recorded();
  }

  private filterList(message: Record<string, unknown>, capability: Capability): Record<string, unknown> {
    const result = message['result'] as Record<string, unknown> | undefined;
    if (typeof result !== 'object' || result === null) return message;
    let filtered: Record<string, unknown> | undefined;
    for (const { items, name } of LISTED[capability]) {
      const list = result[items];
      if (!Array.isArray(list)) continue;
      const kept = list.filter((item: unknown) => {
        const value = (item as Record<string, unknown> | null)?.[name];
        return typeof value === 'string' && this.listable(capability, value);
      });
      if (kept.length !== list.length) filtered = { ...(filtered ?? result), [items]: kept };
    }
    return filtered ? { ...message, result: filtered } : message;
  }
}

function outcomeError(message: Record<string, unknown>): string | undefined {
  const error = message['error'] as { code?: unknown } | undefined;
  if (error !== undefined) return `jsonrpc_${typeof error?.code === 'number' ? error.code : 'error'}`;
  const result = message['result'] as { isError?: unknown } | undefined;
  return result?.isError === true ? 'tool_error' : undefined;
}
