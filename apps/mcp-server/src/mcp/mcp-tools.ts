import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expandScopes, findScope } from '@portcullis/scopes';
import { z } from 'zod';
import type { HeadlineStore } from '../sentiment/headline-store.service';
import { scoreSentiment } from '../sentiment/sentiment-scorer';
import { tickerSchema } from '../sentiment/ticker';
import type { WatchlistService } from '../watchlist/watchlist.service';
import { REQUIRED_SCOPES_META, TOOL_SCOPES, type ToolName } from './tool-scopes';

export interface ToolDependencies {
  headlines: HeadlineStore;
  watchlists: WatchlistService;
}

/** What a tool handler sees of the SDK's per-request `extra`. */
interface ToolExtra {
  authInfo?: { scopes: string[]; extra?: Record<string, unknown> };
}

/** Longest text analyze_sentiment accepts: a news article, not a book. */
export const MAX_TEXT_LENGTH = 20_000;

function ok(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * A caller's scopes with their implications, worked out once per list: the endpoint hands the
 * SDK one `authInfo` per verified token, so its `scopes` array is the same object on every call.
 */
const expanded = new WeakMap<readonly string[], ReadonlySet<string>>();

function grants(scopes: readonly string[], scope: string): boolean {
  let have = expanded.get(scopes);
  if (!have) expanded.set(scopes, (have = expandScopes(scopes)));
  return have.has(scope);
}

/**
 * Runs a tool body for the calling subject. The HTTP layer has already refused calls without
 * the tool's scope; checking again here keeps a tool safe if it is ever reached another way.
 * Expected failures become tool error results (never a 500). A body that answers at once is
 * not wrapped in a promise of its own (the SDK awaits the handler's result anyway).
 */
function asSubject(
  name: ToolName,
  extra: ToolExtra,
  body: (subject: string) => CallToolResult | Promise<CallToolResult>,
): CallToolResult | Promise<CallToolResult> {
  const subject = extra.authInfo?.extra?.['subject'];
  if (typeof subject !== 'string' || !grants(extra.authInfo?.scopes ?? [], TOOL_SCOPES[name])) {
    return toolError(`${name} needs the scope ${TOOL_SCOPES[name]}`);
  }
  const failed = (err: unknown) => toolError(err instanceof Error ? err.message : 'the tool failed');
  try {
    const result = body(subject);
    return result instanceof Promise ? result.catch(failed) : result;
  } catch (err) {
    return failed(err);
  }
}

function describe(name: ToolName, what: string): { description: string; _meta: Record<string, unknown> } {
  const scope = TOOL_SCOPES[name];
  return {
    description: `${what} Requires scope ${scope} (${findScope(scope)?.description ?? scope}).`,
    _meta: { [REQUIRED_SCOPES_META]: [scope] },
  };
}

/** Registers the financial sentiment tools, each with its input schema and scope. */
export function registerTools(server: McpServer, deps: ToolDependencies): void {
  server.registerTool(
    'analyze_sentiment',
    {
      title: 'Analyze sentiment',
      ...describe('analyze_sentiment', 'Scores the sentiment of financial text (a headline, a paragraph) with a finance-aware lexicon; returns score in [-1, 1], label and the terms that drove it.'),
      inputSchema: { text: z.string().trim().min(1, 'text must not be empty').max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ text }, extra) => asSubject('analyze_sentiment', extra, () => ok({ ...scoreSentiment(text) })),
  );

  server.registerTool(
    'ticker_sentiment',
    {
      title: 'Ticker sentiment',
      ...describe('ticker_sentiment', 'Aggregates the sentiment of recent news headlines about a stock ticker over the last `days` days (default 7).'),
      inputSchema: { ticker: tickerSchema, days: z.number().int().min(1).max(365).default(7) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ ticker, days }, extra) =>
      asSubject('ticker_sentiment', extra, async () => ok({ ...(await deps.headlines.tickerSentiment(ticker, days)) })),
  );

  server.registerTool(
    'watchlist_list',
    {
      title: 'List watchlist',
      ...describe('watchlist_list', 'Lists the tickers on your watchlist.'),
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (_args, extra) => asSubject('watchlist_list', extra, async (subject) => ok({ tickers: await deps.watchlists.list(subject) })),
  );

  server.registerTool(
    'watchlist_add',
    {
      title: 'Add to watchlist',
      ...describe('watchlist_add', 'Adds a ticker to your watchlist.'),
      inputSchema: { ticker: tickerSchema },
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ ticker }, extra) => asSubject('watchlist_add', extra, async (subject) => ok({ ticker, ...(await deps.watchlists.add(subject, ticker)) })),
  );

  server.registerTool(
    'watchlist_remove',
    {
      title: 'Remove from watchlist',
      ...describe('watchlist_remove', 'Removes a ticker from your watchlist.'),
      inputSchema: { ticker: tickerSchema },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ ticker }, extra) =>
      asSubject('watchlist_remove', extra, async (subject) => ok({ ticker, ...(await deps.watchlists.remove(subject, ticker)) })),
  );
}
