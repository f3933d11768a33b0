/**
 * What the gateway reads of a JSON-RPC body (a message or a batch) before passing it on
 * untouched: the tools it calls and the requests that list tools. Everything else — other
 * methods, notifications, responses, unknown methods, fields it does not know — is not its
 * business and goes upstream as it came.
 */
export type JsonRpcId = string | number;

export interface McpBody {
  /** Every tools/call request: its id (absent for a notification-shaped call) and tool name. */
  calls: { id?: JsonRpcId; tool: string }[];
  /** Ids of tools/list requests, whose answers the gateway filters. */
  listIds: JsonRpcId[];
  /** The first method of the body, for audit records of a refusal. */
  method?: string;
}

/** More messages than any client batches; bounds the work one request can queue. */
export const MAX_BATCH = 100;
/** Longer than any tool name in the wild; a longer one is refused, not matched against patterns. */
export const MAX_TOOL_NAME = 256;

export class MalformedMcpBody extends Error {}

function isId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Reads a parsed body; throws MalformedMcpBody for what no MCP server could answer. */
export function readMcpBody(body: unknown): McpBody {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  if (messages.length === 0 || messages.length > MAX_BATCH) throw new MalformedMcpBody(`a batch holds 1 to ${MAX_BATCH} messages`);
  const out: McpBody = { calls: [], listIds: [] };
  for (const message of messages) {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new MalformedMcpBody('each message must be a JSON object');
    const { method, id, params } = message as { method?: unknown; id?: unknown; params?: { name?: unknown } };
    if (typeof method !== 'string') continue;
    out.method ??= method.slice(0, 128);
    if (method === 'tools/list' && isId(id)) out.listIds.push(id);
    if (method !== 'tools/call') continue;
    const tool = typeof params === 'object' && params !== null ? params.name : undefined;
    if (typeof tool !== 'string' || tool === '' || tool.length > MAX_TOOL_NAME) {
      throw new MalformedMcpBody(`tools/call needs params.name, a tool name of 1 to ${MAX_TOOL_NAME} characters`);
    }
    out.calls.push({ ...(isId(id) ? { id } : {}), tool });
  }
  return out;
}
