import type { OwnRefusalReason } from '@portcullis/http';
import { OAuthError } from '@portcullis/oauth';
import type { JsonRpcId } from './mcp-body';

/**
 * JSON-RPC error codes of the gateway's own answers (the -32000 to -32099 range is the
 * implementation's, JSON-RPC 2.0 §5.1).
 */
export const GatewayErrorCode = {
  /** The upstream could not be reached, or answered with a server error. */
  UpstreamUnavailable: -32010,
  /** The upstream did not answer within its timeoutMs, or fell silent mid-answer for its idleTimeoutMs. */
  UpstreamTimeout: -32011,
  /** The upstream refused the gateway's own credentials (a configuration problem). */
  UpstreamRefused: -32012,
  /** The gateway could not get its own token from the upstream's authorization server (client_credentials). */
  UpstreamCredentials: -32013,
  /** A rate limit of the upstream refused the request (429). */
  RateLimited: -32014,
  /** The upstream's concurrency cap is reached on this gateway (503). */
  OverCapacity: -32015,
} as const;

/** Invalid params (JSON-RPC 2.0 §5.1), as MCP SDK servers answer a call to a tool (or prompt) they do not have. */
export const UNKNOWN_TOOL = -32602;
/** Invalid Request (JSON-RPC 2.0 §5.1). */
export const INVALID_REQUEST = -32600;

export function jsonRpcError(code: number, message: string, id: JsonRpcId | null = null) {
  return { jsonrpc: '2.0' as const, id, error: { code, message } };
}

/**
 * A refusal whose body is a JSON-RPC error rather than an OAuth error object, thrown like any
 * OAuthError so the one exception filter renders it (status, no-store). Used where no token
 * would change the answer: what the policy denies (403, no challenge: step-up cannot help),
 * or a body no MCP server could answer (400), or a limit (429, 503, with `Retry-After`).
 */
export class JsonRpcRefusal extends OAuthError implements OwnRefusalReason {
  constructor(
    status: 400 | 403 | 429 | 503,
    readonly rpcCode: number,
    message: string,
    readonly id: JsonRpcId | null = null,
    headers: Record<string, string> = {},
  ) {
    super(status === 400 ? 'invalid_request' : status === 503 ? 'temporarily_unavailable' : 'access_denied', message, status, headers);
  }

  /** The request line names the JSON-RPC code the client got, not the OAuth `error` it never sees. */
  get refusalReason(): string {
    return String(this.rpcCode);
  }

  override toJSON(): ReturnType<OAuthError['toJSON']> {
    return jsonRpcError(this.rpcCode, this.description, this.id) as unknown as ReturnType<OAuthError['toJSON']>;
  }
}
