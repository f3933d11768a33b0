import { Scope } from '@portcullis/scopes';

/** Every tool and the one scope it needs: read by tools/list, the HTTP scope check and the tools. */
export const TOOL_SCOPES = {
  analyze_sentiment: Scope.SentimentAnalyze,
  ticker_sentiment: Scope.SentimentRead,
  watchlist_list: Scope.WatchlistRead,
  watchlist_add: Scope.WatchlistWrite,
  watchlist_remove: Scope.WatchlistWrite,
} as const;

export type ToolName = keyof typeof TOOL_SCOPES;

/** The `_meta` key under which tools/list names each tool's scopes. */
export const REQUIRED_SCOPES_META = 'portcullis/required_scopes';

/**
 * Every scope a JSON-RPC body needs, read before it is dispatched so a missing scope becomes
 * an HTTP 403 challenge the client can act on (MCP "Scope Challenge Handling"), not a JSON-RPC
 * error. Only `tools/call` needs a scope beyond a valid token. Never throws: a malformed body
 * needs nothing here and is rejected by the endpoint itself.
 */
export function requiredScopesForMcpBody(body: unknown): readonly string[] {
  if (!Array.isArray(body)) return scopesForMessage(body);
  const scopes = new Set<string>();
  for (const message of body) for (const scope of scopesForMessage(message)) scopes.add(scope);
  return [...scopes];
}

/** One scope list per tool, so the one-message request (nearly every request) allocates nothing here. */
const TOOL_SCOPE_LISTS = new Map<string, readonly string[]>(Object.entries(TOOL_SCOPES).map(([tool, scope]) => [tool, Object.freeze([scope])]));
const NO_SCOPES: readonly string[] = Object.freeze([]);

function scopesForMessage(message: unknown): readonly string[] {
  if (typeof message !== 'object' || message === null) return NO_SCOPES;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  if (method !== 'tools/call' || typeof params?.name !== 'string') return NO_SCOPES;
  return TOOL_SCOPE_LISTS.get(params.name) ?? NO_SCOPES;
}
