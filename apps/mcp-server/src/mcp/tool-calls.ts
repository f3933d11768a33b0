import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** One tools/call request of a body and how it ended. */
export interface ToolCall {
  /** As the caller wrote it (maybe not one of this server's tools). */
  tool: string;
  /** undefined: success; else a short machine-readable code (never the message, which may echo input). */
  error?: string;
}

/**
 * The tools/call requests of a body with their outcomes. `responses` are the answers to the
 * body's requests (messages with an id), in order, as the dispatcher returns them.
 */
export function toolCallsOf(messages: readonly JSONRPCMessage[], responses: readonly JSONRPCMessage[]): ToolCall[] {
  const calls: ToolCall[] = [];
  let i = 0;
  for (const message of messages) {
    if (!('method' in message) || !('id' in message)) continue;
    const response = responses[i++];
    if (message.method !== 'tools/call') continue;
    const name = (message.params as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name === '') continue;
    const error = outcomeError(response);
    calls.push({ tool: name, ...(error ? { error } : {}) });
  }
  return calls;
}

function outcomeError(response: JSONRPCMessage | undefined): string | undefined {
  if (!response) return 'no_response';
  if ('error' in response) return `jsonrpc_${response.error.code}`;
  if ('result' in response && (response.result as { isError?: unknown }).isError === true) return 'tool_error';
  return undefined;
}
