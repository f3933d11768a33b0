import type { Capability } from '@portcullis/gateway-config';

/**
 * What the gateway reads of a JSON-RPC body (a message or a batch) before passing it on
 * untouched: the tools, resources and prompts it uses, and the requests that list them. Every
 * other method, notification, response, unknown method or field is not its business and goes
 * upstream as it came.
 */
export type JsonRpcId = string | number;

export interface McpBody {
  /** Every use of a tool (tools/call), resource (read, subscribe, unsubscribe) or prompt (prompts/get). */
  uses: { capability: Capability; id?: JsonRpcId; name: string }[];
  /** Listing requests, whose answers the gateway filters. */
  lists: { capability: Capability; id: JsonRpcId }[];
  /** The first method of the body, for audit records of a refusal. */
  method?: string;
}

/** More messages than any client batches; bounds the work one request can queue. */
export const MAX_BATCH = 100;
/** Longer than any name in the wild; a longer one is refused, not matched against patterns. */
export const MAX_NAME = 256;
export const MAX_URI = 2048;

/** Where each use names what it uses: the method, its capability, the parameter, the cap. */
const USES: Record<string, { capability: Capability; param: 'name' | 'uri'; max: number }> = {
  'tools/call': { capability: 'tool', param: 'name', max: MAX_NAME },
  'resources/read': { capability: 'resource', param: 'uri', max: MAX_URI },
  'resources/subscribe': { capability: 'resource', param: 'uri', max: MAX_URI },
  'resources/unsubscribe': { capability: 'resource', param: 'uri', max: MAX_URI },
  'prompts/get': { capability: 'prompt', param: 'name', max: MAX_NAME },
};

const LISTS: Record<string, Capability> = {
  'tools/list': 'tool',
  'resources/list': 'resource',
  'resources/templates/list': 'resource',
  'prompts/list': 'prompt',
};

export class MalformedMcpBody extends Error {}

function isId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Reads a parsed body; throws MalformedMcpBody for what no MCP server could answer. */
export function readMcpBody(body: unknown): McpBody {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  if (messages.length === 0 || messages.length > MAX_BATCH) throw new MalformedMcpBody(`a batch holds 1 to ${MAX_BATCH} messages`);
  const out: McpBody = { uses: [], lists: [] };
  for (const message of messages) {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new MalformedMcpBody('each message must be a JSON object');
    const { method, id, params } = message as { method?: unknown; id?: unknown; params?: Record<string, unknown> };
    if (typeof method !== 'string') continue;
    out.method ??= method.slice(0, 128);
    const listed = Object.hasOwn(LISTS, method) ? LISTS[method] : undefined;
    if (listed && isId(id)) out.lists.push({ capability: listed, id });
    const use = Object.hasOwn(USES, method) ? USES[method] : undefined;
    if (!use) continue;
    const name = typeof params === 'object' && params !== null ? params[use.param] : undefined;
    if (typeof name !== 'string' || name === '' || name.length > use.max) {
      throw new MalformedMcpBody(`${method} needs params.${use.param} of 1 to ${use.max} characters`);
    }
    out.uses.push({ capability: use.capability, ...(isId(id) ? { id } : {}), name });
  }
  return out;
}
