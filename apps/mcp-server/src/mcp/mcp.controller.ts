import { Controller, Delete, Get, Inject, Post, Res, type Type, UseGuards } from '@nestjs/common';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { setRefusalReason } from '@portcullis/http';
import { BearerAuthGuard, type Principal, principalOf, RequireScopesFor } from '@portcullis/resource-server';
import type { FastifyReply } from 'fastify';
import { McpAudit } from '../audit/mcp-audit.service';
import { McpMetrics } from '../metrics/mcp-metrics';
import { McpServerHost } from './mcp-server.provider';
import { toolCallsOf } from './tool-calls';
import { requiredScopesForMcpBody } from './tool-scopes';

/** More messages than any client batches; bounds the work one request can queue. */
const MAX_BATCH = 20;
const ACCEPTABLE = /application\/json|text\/event-stream|application\/\*|\*\/\*/i;

function isMessage(value: unknown): value is JSONRPCMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m['jsonrpc'] !== '2.0') return false;
  const id = m['id'];
  const idOk = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (typeof m['method'] === 'string') return id === undefined || idOk;
  return idOk && ('result' in m || 'error' in m);
}

/**
 * What the SDK hands tools of the caller. The raw token stays out of the SDK: tools get who is
 * calling and with which scopes. The verifier caches one principal per token, so this is built
 * once per token (and frozen: every call with that token shares it), not on every request.
 */
const sdkExtras = new WeakMap<Principal, MessageExtraInfo>();

function sdkExtraFor(principal: Principal): MessageExtraInfo {
  let extra = sdkExtras.get(principal);
  if (!extra) {
    const authInfo: AuthInfo = Object.freeze({
      token: '',
      clientId: principal.clientId,
      scopes: Object.freeze([...principal.scopes]) as string[],
      expiresAt: Math.floor(principal.expiresAt.getTime() / 1000),
      extra: Object.freeze({ subject: principal.subject, jti: principal.jti }),
    });
    sdkExtras.set(principal, (extra = Object.freeze({ authInfo })));
  }
  return extra;
}

function rpcError(reply: FastifyReply, status: number, code: number, message: string): void {
  setRefusalReason(reply.request, code);
  reply.code(status).header('content-type', 'application/json').send({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * MCP Streamable HTTP endpoint, stateless: every POST carries what it needs (the token, the
 * JSON-RPC messages) and is answered with plain JSON, so any replica can serve any request.
 * Authentication and the per-tool scope check run in the guard, before dispatch, so a missing
 * scope is an HTTP 403 challenge (step-up) rather than a JSON-RPC error.
 *
 * Mounted at the path of RESOURCE_URL by `mcpController` (the routes are inherited).
 */
export class McpEndpoint {
  constructor(
    @Inject(McpServerHost) private readonly host: McpServerHost,
    @Inject(McpAudit) private readonly audit: McpAudit,
    @Inject(McpMetrics) private readonly metrics: McpMetrics,
  ) {}

  @Post()
  @UseGuards(BearerAuthGuard)
  @RequireScopesFor((request) => requiredScopesForMcpBody(request.body))
  // One parameter: Nest resolves each through its pipes with promises of its own (about three
  // per parameter, per request), so the request and the guard's principal are read from the reply.
  async post(@Res() reply: FastifyReply): Promise<void> {
    const request = reply.request;
    const principal = principalOf(request);
    const accept = request.headers.accept;
    if (accept && !ACCEPTABLE.test(accept)) return rpcError(reply, 406, -32000, 'Not Acceptable: the client must accept application/json');
    const version = request.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return rpcError(reply, 400, -32000, `Bad Request: unsupported protocol version ${version}`);
    }
    const body = request.body;
    const batch = Array.isArray(body);
    const messages: unknown[] = batch ? body : [body];
    if (messages.length === 0 || messages.length > MAX_BATCH || !messages.every(isMessage)) {
      return rpcError(reply, 400, -32600, 'Invalid Request: the body must be a JSON-RPC 2.0 message');
    }
    if (!this.host.isReady) await this.host.ready();
    const started = performance.now();
    const responses = await this.host.dispatcher.dispatch(messages as JSONRPCMessage[], sdkExtraFor(principal));
    const durationMs = performance.now() - started;
    const calls = toolCallsOf(messages as JSONRPCMessage[], responses);
    this.metrics.toolsCalled(calls, durationMs);
    // One outbox row per tool call, written before the answer goes out (at least once).
    await this.audit.toolsCalled(calls, principal, durationMs, request.id);
    if (responses.length === 0) {
      reply.code(202).send();
      return;
    }
    reply.code(200).header('content-type', 'application/json').send(batch ? responses : responses[0]);
  }

  /**
   * A stateless server offers no server-to-client SSE stream (Streamable HTTP: 405 on GET). The
   * caller is authenticated first, like on every route of a protected resource: a client without
   * a token learns where to get one (the 401 challenge), not which methods exist.
   */
  @Get()
  @UseGuards(BearerAuthGuard)
  get(@Res() reply: FastifyReply): void {
    reply.header('allow', 'POST');
    rpcError(reply, 405, -32000, 'Method not allowed: this server is stateless; use POST');
  }

  /** No sessions, so nothing to terminate (after authentication, as GET). */
  @Delete()
  @UseGuards(BearerAuthGuard)
  delete(@Res() reply: FastifyReply): void {
    reply.header('allow', 'POST');
    rpcError(reply, 405, -32000, 'Method not allowed: this server keeps no sessions');
  }
}

/** The MCP endpoint at `path` (the path of the resource identifier, e.g. `/mcp`). */
export function mcpController(path: string): Type<McpEndpoint> {
  @Controller(path)
  class McpController extends McpEndpoint {}
  return McpController;
}
