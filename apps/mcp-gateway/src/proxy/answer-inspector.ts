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

/**
 * Reads the upstream's answers to the one request it was built for: filters the tools of each
 * tools/list answer through `listable`, and reports how each tools/call ended (once; a call left
 * unanswered when the stream ends is reported by `finish`). Everything else passes untouched.
 */
export class AnswerInspector {
  private readonly lists: Set<string>;
  private readonly calls = new Map<string, string>();
  private readonly started = performance.now();

  constructor(
    body: McpBody,
    private readonly listable: (tool: string) => boolean,
    private readonly report: (outcome: CallOutcome) => void,
  ) {
    this.lists = new Set(body.listIds.map(key));
    for (const call of body.calls) if (call.id !== undefined) this.calls.set(key(call.id), call.tool);
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
      this.report({ tool, error: outcomeError(message), durationMs: performance.now() - this.started });
    }
    if (this.lists.has(k)) return this.filterList(message);
    return message;
  };

  /** Calls that got no answer: the stream ended or broke first (`reason`). */
  finish(reason: string): void {
    for (const tool of this.calls.values()) this.report({ tool, error: reason, durationMs: performance.now() - this.started });
    this.calls.clear();
  }

  private filterList(message: Record<string, unknown>): Record<string, unknown> {
    const result = message['result'] as { tools?: unknown } | undefined;
    if (typeof result !== 'object' || result === null || !Array.isArray(result.tools)) return message;
    const tools = result.tools.filter((tool: unknown) => {
      const name = (tool as { name?: unknown } | null)?.name;
      return typeof name === 'string' && this.listable(name);
    });
    if (tools.length === result.tools.length) return message;
    return { ...message, result: { ...result, tools } };
  }
}

function outcomeError(message: Record<string, unknown>): string | undefined {
  const error = message['error'] as { code?: unknown } | undefined;
  if (error !== undefined) return `jsonrpc_${typeof error?.code === 'number' ? error.code : 'error'}`;
  const result = message['result'] as { isError?: unknown } | undefined;
  return result?.isError === true ? 'tool_error' : undefined;
}
