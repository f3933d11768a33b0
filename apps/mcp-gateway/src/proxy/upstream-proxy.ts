import { Inject, Injectable } from '@nestjs/common';
import type { Capability } from '@portcullis/gateway-config';
import type { FastifyReply } from 'fastify';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GatewayRequest } from '../access/upstream-access.guard';
import { GatewayErrorCode, INVALID_REQUEST, jsonRpcError } from '../access/json-rpc-refusal';
import { GatewayAudit } from '../audit/gateway-audit.service';
import { IDENTITY_HEADER, IdentitySigner } from '../identity/identity-signer';
import { AnswerInspector } from './answer-inspector';
import { jsonTap, sseTap } from './json-rpc-tap';

/**
 * Request headers the upstream gets from the client (MCP Streamable HTTP), each with the
 * longest value passed on: nothing else, so never `Authorization` (the MCP authorization spec
 * forbids token passthrough) nor a cookie. A session id is visible ASCII (Streamable HTTP,
 * "Session Management"); the caps are far above what any client sends.
 */
const FORWARDED_REQUEST: Record<string, number> = {
  accept: 512,
  'content-type': 256,
  'mcp-session-id': 256,
  'mcp-protocol-version': 64,
  'last-event-id': 256,
};
const VISIBLE_ASCII = /^[\x20-\x7E]*$/;
/** Response headers the client gets from the upstream; hop-by-hop and encoding headers stay behind (fetch decodes). */
const FORWARDED_RESPONSE = ['content-type', 'mcp-session-id', 'mcp-protocol-version', 'cache-control', 'allow', 'retry-after'];

class UpstreamTimedOut extends Error {}

/**
 * Passes one MCP request to its upstream and streams the answer back as it arrives: JSON and
 * SSE answers, GET streams and DELETE alike, with the session and protocol headers both ways.
 * Only an answer to a listing or a tools/call is read on its way (to filter what is listed, and
 * to audit each call's outcome), event by event. Failures before the answer starts become JSON-RPC
 * errors with 502/504, never a hang: the upstream's timeoutMs bounds the wait for its headers.
 */
@Injectable()
export class UpstreamProxy {
  constructor(
    @Inject(IdentitySigner) private readonly identity: IdentitySigner,
    @Inject(GatewayAudit) private readonly audit: GatewayAudit,
  ) {}

  async forward(request: GatewayRequest, reply: FastifyReply): Promise<void> {
    const { upstream, user: principal } = request;
    const declaration = upstream.declaration;
    const headers: Record<string, string> = {};
    for (const [name, max] of Object.entries(FORWARDED_REQUEST)) {
      const value = request.headers[name];
      if (typeof value !== 'string') continue;
      if (value.length > max || !VISIBLE_ASCII.test(value)) {
        reply.code(400).header('cache-control', 'no-store').type('application/json').send(jsonRpcError(INVALID_REQUEST, `Bad Request: the ${name} header is malformed or longer than ${max} characters`));
        return;
      }
      headers[name] = value;
    }
    const caller = { scopes: new Set(principal.scopes), machine: principal.subject === principal.clientId };
    const listable = (capability: Capability, name: string) => upstream.policy.listable(capability, name, caller);
    const inspector = request.mcp
      ? new AnswerInspector(request.mcp, listable, (outcome) => this.audit.toolCalled({ upstream, principal, ...outcome }))
      : undefined;
    if (upstream.credential) headers[upstream.credential.header.toLowerCase()] = upstream.credential.value;
    headers[IDENTITY_HEADER] = await this.identity.identityToken(principal, declaration.url);

    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new UpstreamTimedOut()), declaration.timeoutMs);
    // A client that goes away takes its upstream request with it.
    reply.raw.once('close', () => abort.abort());
    let response: Response;
    try {
      response = await fetch(declaration.url, {
        method: request.method,
        headers,
        body: request.method === 'POST' ? JSON.stringify(request.body) : undefined,
        redirect: 'manual',
        signal: abort.signal,
      });
    } catch {
      const timedOut = abort.signal.reason instanceof UpstreamTimedOut;
      await inspector?.finish(timedOut ? 'upstream_timeout' : 'upstream_unavailable');
      return timedOut
        ? this.fail(request, reply, 504, GatewayErrorCode.UpstreamTimeout, `upstream ${declaration.name} did not answer within ${declaration.timeoutMs} ms`)
        : this.fail(request, reply, 502, GatewayErrorCode.UpstreamUnavailable, `upstream ${declaration.name} is unreachable`);
    } finally {
      clearTimeout(timer);
    }
    const failure = this.upstreamFailure(response.status);
    if (failure) {
      await response.body?.cancel().catch(() => undefined);
      await inspector?.finish(failure.reason);
      return this.fail(request, reply, 502, failure.code, `upstream ${declaration.name} ${failure.message}`);
    }
    const out: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE) {
      const value = response.headers.get(name);
      if (value !== null) out[name] = value;
    }
    reply.hijack();
    reply.raw.writeHead(response.status, { ...(reply.getHeaders() as Record<string, string>), 'x-request-id': request.id, ...out });
    // Streams start now: an SSE client sees the headers before the first event exists.
    reply.raw.flushHeaders();
    if (!response.body) {
      await inspector?.finish('no_response');
      reply.raw.end();
      return;
    }
    const tap = inspector?.needed ? this.tapFor(out['content-type'], inspector) : undefined;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    try {
      await (tap ? pipeline(body, tap, reply.raw) : pipeline(body, reply.raw));
      await inspector?.finish('no_response');
    } catch {
      // Headers are out: the only honest signal left is an incomplete stream.
      await inspector?.finish('upstream_stream_broken');
      reply.raw.destroy();
    }
  }

  private tapFor(contentType: string | undefined, inspector: AnswerInspector): Transform | undefined {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    // Each tapped piece waits for the audit records its answers caused (one group-committed insert).
    if (type === 'application/json') return jsonTap(inspector.tap, () => inspector.recorded());
    if (type === 'text/event-stream') return sseTap(inspector.tap, () => inspector.recorded());
    return undefined;
  }

  /**
   * Statuses the client must not see as they are: the upstream's 401/403 concern the gateway's
   * own credentials (a challenge naming the upstream's authorization server would mislead the
   * client), 5xx and redirects are the upstream failing. Other 4xx (a 404 for an expired session,
   * 400, 405, 406) are the protocol's answers and pass through.
   */
  private upstreamFailure(status: number): { code: number; reason: string; message: string } | undefined {
    if (status === 401 || status === 403) return { code: GatewayErrorCode.UpstreamRefused, reason: 'upstream_refused', message: `refused the gateway's credentials (${status})` };
    if (status >= 500 || (status >= 300 && status < 400)) return { code: GatewayErrorCode.UpstreamUnavailable, reason: 'upstream_error', message: `failed (${status})` };
    return undefined;
  }

  private fail(request: GatewayRequest, reply: FastifyReply, status: 502 | 504, code: number, message: string): void {
    const body = request.body;
    const id = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { id?: unknown }).id : undefined;
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(jsonRpcError(code, message, typeof id === 'string' || typeof id === 'number' ? id : null));
  }
}
