import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Capability } from '@portcullis/gateway-config';
import { REQUEST_ID_HEADER, setRefusalReason, withRequestId } from '@portcullis/http';
import type { FastifyReply } from 'fastify';
import { EventEmitter } from 'node:events';
import type { Readable, Transform } from 'node:stream';
import type { GatewayRequest } from '../access/upstream-access.guard';
import { GatewayErrorCode, INVALID_REQUEST, jsonRpcError } from '../access/json-rpc-refusal';
import { GatewayAudit } from '../audit/gateway-audit.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { IDENTITY_HEADER, IdentitySigner } from '../identity/identity-signer';
import { AnswerInspector } from './answer-inspector';
import { MAX_INSPECTED_BYTES, type MessageTap, sseTap, tapJsonAnswer } from './json-rpc-tap';
import { copyAnswer, readAnswer, requestIds, sseMessage } from './answer-stream';
import type { JsonRpcId } from '../access/mcp-body';
import { UpstreamTokenUnavailable } from '../upstreams/upstream-token-source';
import { tracedRequest } from '@portcullis/tracing';
import { discard, type UpstreamAnswer, UpstreamEncodingRefused, UpstreamHeadersTimeout, UpstreamHttp } from './upstream-http';

/**
 * Request headers the upstream gets from the client (MCP Streamable HTTP), each with the
 * longest value passed on: nothing else, so never `Authorization` (the MCP authorization spec
 * forbids token passthrough) nor a cookie. A session id is visible ASCII (Streamable HTTP,
 * "Session Management"); the caps are far above what any client sends.
 */
const FORWARDED_REQUEST: readonly (readonly [name: string, max: number])[] = [
  ['accept', 512],
  ['content-type', 256],
  ['mcp-session-id', 256],
  ['mcp-protocol-version', 64],
  ['last-event-id', 256],
];
const VISIBLE_ASCII = /^[\x20-\x7E]*$/;
/** Response headers the client gets from the upstream; hop-by-hop and encoding headers stay behind (UpstreamHttp decodes). */
const FORWARDED_RESPONSE = ['content-type', 'mcp-session-id', 'mcp-protocol-version', 'cache-control', 'allow', 'retry-after'];

type Sent =
  | { response: UpstreamAnswer; bearer?: string; failure?: undefined }
  | { response?: undefined; failure: { status: 502 | 504; code: number; reason: string; message: string } };

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const idKey = (id: JsonRpcId) => `${typeof id}:${id}`;

/**
 * Passes one MCP request to its upstream and streams the answer back as it arrives: JSON and
 * SSE answers, GET streams and DELETE alike, with the session and protocol headers both ways.
 * Only an answer to a listing or a tools/call is read on its way (to filter what is listed, and
 * to audit each call's outcome), event by event. Failures before the answer starts become JSON-RPC
 * errors with 502/504, never a hang: the upstream's timeoutMs bounds the wait for its headers,
 * its idleTimeoutMs each silence in the answer to a POST.
 */
@Injectable()
export class UpstreamProxy {
  private readonly logger = new Logger('UpstreamProxy');

  constructor(
    @Inject(IdentitySigner) private readonly identity: IdentitySigner,
    @Inject(GatewayAudit) private readonly audit: GatewayAudit,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(UpstreamHttp) private readonly http: UpstreamHttp,
  ) {}

  async forward(request: GatewayRequest, reply: FastifyReply): Promise<void> {
    const { upstream, user: principal } = request;
    const declaration = upstream.declaration;
    const headers: Record<string, string> = {};
    for (const [name, max] of FORWARDED_REQUEST) {
      const value = request.headers[name];
      if (typeof value !== 'string') continue;
      if (value.length > max || !VISIBLE_ASCII.test(value)) {
        setRefusalReason(request, INVALID_REQUEST);
        reply.code(400).header('cache-control', 'no-store').type('application/json').send(jsonRpcError(INVALID_REQUEST, `Bad Request: the ${name} header is malformed or longer than ${max} characters`));
        return;
      }
      headers[name] = value;
    }
    // Who the listings are filtered for, made only if the body lists something.
    let caller: { scopes: Set<string>; machine: boolean } | undefined;
    const listable = (capability: Capability, name: string) => {
      caller ??= { scopes: new Set(principal.scopes), machine: principal.subject === principal.clientId };
      return upstream.policy.listable(capability, name, caller);
    };
    const inspector = request.mcp
      ? new AnswerInspector(request.mcp, listable, (outcome) => {
          this.metrics.toolCalled(upstream, outcome.tool, outcome.error, outcome.durationMs);
          return this.audit.toolCalled({ requestId: request.id, upstream, principal, ...outcome });
        })
      : undefined;
    if (upstream.credential) headers[upstream.credential.header.toLowerCase()] = upstream.credential.value;
    headers[IDENTITY_HEADER] = this.identity.cachedToken(principal, declaration.url) ?? (await this.identity.identityToken(principal, declaration.url));
    // The same request id in the upstream's logs as in the gateway's (validated on the way in).
    headers[REQUEST_ID_HEADER] = request.id;

    let sent = await this.send(request, reply, headers);
    // RFC 6750 §3.1: a 401 says the gateway's own token is no longer good (revoked, expired
    // early, keys rotated): one fresh token, one more try. A second 401 is a refusal.
    if (sent.response && sent.response.status === 401 && sent.bearer !== undefined) {
      discard(sent.response.body);
      sent = await this.send(request, reply, headers, sent.bearer);
    }
    if (!sent.response) {
      await inspector?.finish(sent.failure.reason);
      return this.fail(request, reply, sent.failure.status, sent.failure.code, sent.failure.message);
    }
    const { response } = sent;
    const failure = this.upstreamFailure(response.status);
    if (failure) {
      discard(response.body);
      await inspector?.finish(failure.reason);
      return this.fail(request, reply, 502, failure.code, `upstream ${declaration.name} ${failure.message}`);
    }
    // A 4xx passed through is the upstream's own protocol answer (an expired session's 404…).
    if (response.status >= 400) setRefusalReason(request, 'upstream_answer');
    const out: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE) {
      const value = response.headers[name];
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    reply.hijack();
    const head = { ...(reply.getHeaders() as Record<string, string>), 'x-request-id': request.id, ...out };
    const type = mediaType(out['content-type']);
    // A JSON answer to read (a listing, a tools/call) is one document: read whole, then sent whole.
    if (type === 'application/json' && inspector?.needed) return this.relayWhole(request, reply, response, head, inspector);
    reply.raw.writeHead(response.status, head);
    // A stream starts now: an SSE client sees the headers before the first event exists. A
    // JSON answer's headers go out with its body, in one write.
    if (type === 'text/event-stream') reply.raw.flushHeaders();
    await this.relay(request, reply, response.body, out['content-type'], inspector);
  }

  /**
   * A JSON answer the gateway reads (to filter a listing, to audit a call): read whole (at most
   * MAX_INSPECTED_BYTES), tapped, and sent with its headers in one write once every record it
   * caused is committed, so a call's audit record is durable before its answer goes out. An
   * answer that falls silent or breaks first is cut: nothing of it has gone out.
   */
  private async relayWhole(request: GatewayRequest, reply: FastifyReply, response: UpstreamAnswer, head: Record<string, string>, inspector: AnswerInspector): Promise<void> {
    const declaration = request.upstream.declaration;
    const answer = await readAnswer(response.body, {
      idleTimeoutMs: request.method !== 'GET' ? declaration.idleTimeoutMs : undefined,
      maxBytes: MAX_INSPECTED_BYTES,
      abortUpstream: () => response.body.destroy(),
    });
    if (answer.end !== 'complete') {
      await inspector.finish(answer.end === 'idle' ? 'upstream_timeout' : 'upstream_stream_broken');
      reply.raw.destroy();
      return;
    }
    const body = tapJsonAnswer(answer.body, inspector.tap);
    try {
      // Calls the answer left unanswered are recorded too; all committed before it goes out.
      await inspector.finish('no_response');
    } catch {
      reply.raw.destroy();
      return;
    }
    reply.raw.writeHead(response.status, { ...head, 'content-length': String(body.length) });
    reply.raw.end(body);
  }

  /**
   * The answer's body to the client. A POST's answer may fall silent for at most the upstream's
   * idleTimeoutMs; a GET stream carries server-initiated messages and is not bound (it ends
   * when either side ends it, or at shutdown's drain timeout).
   */
  private async relay(request: GatewayRequest, reply: FastifyReply, body: Readable, contentType: string | undefined, inspector: AnswerInspector | undefined): Promise<void> {
    const declaration = request.upstream.declaration;
    const sse = mediaType(contentType) === 'text/event-stream';
    const bounded = request.method !== 'GET';
    // An SSE answer to a POST is read to know which requests it has answered, so that a stall
    // can answer the rest with an error event.
    const owed = new Set(bounded && sse ? requestIds(request.body).map(idKey) : []);
    const track: MessageTap = (message) => {
      // Only responses settle a request; a server-to-client request may reuse an id.
      if ('result' in message || 'error' in message) owed.delete(idKey(message['id'] as JsonRpcId));
      return inspector?.needed ? inspector.tap(message) : message;
    };
    const tap = owed.size > 0 ? sseTap(track, inspector?.needed ? () => inspector.recorded() : undefined) : inspector?.needed ? this.tapFor(contentType, inspector) : undefined;
    const end = await copyAnswer(body, reply.raw, {
      tap,
      idleTimeoutMs: bounded ? declaration.idleTimeoutMs : undefined,
      abortUpstream: () => body.destroy(),
    });
    if (end === 'complete') {
      await inspector?.finish('no_response');
      reply.raw.end();
    } else if (end === 'idle' && owed.size > 0 && !reply.raw.destroyed) {
      // Streamable HTTP lets the server answer each request of the POST on its SSE stream: the
      // requests the upstream left unanswered get the gateway's timeout error, then the stream ends.
      await inspector?.finish('upstream_timeout');
      const message = `upstream ${declaration.name} sent nothing for ${declaration.idleTimeoutMs} ms`;
      for (const id of requestIds(request.body)) if (owed.has(idKey(id))) reply.raw.write(sseMessage(jsonRpcError(GatewayErrorCode.UpstreamTimeout, message, id)));
      reply.raw.end();
    } else {
      // Headers are out and the answer is not whole (a JSON body cut short, a broken stream):
      // the only honest signal left is an incomplete response.
      await inspector?.finish(end === 'idle' ? 'upstream_timeout' : 'upstream_stream_broken');
      reply.raw.destroy();
    }
  }

  /**
   * One request upstream, bounded by timeoutMs until its headers arrive. With client_credentials,
   * the gateway's token goes as the bearer token (`refused`: the token the upstream just refused).
   */
  private async send(request: GatewayRequest, reply: FastifyReply, headers: Record<string, string>, refused?: string): Promise<Sent> {
    const { upstream } = request;
    const declaration = upstream.declaration;
    let bearer: string | undefined;
    if (upstream.tokens) {
      try {
        bearer = await (refused === undefined ? upstream.tokens.get() : upstream.tokens.renew(refused));
      } catch (err) {
        const message = err instanceof UpstreamTokenUnavailable ? err.message : `upstream ${declaration.name}: no token`;
        // An error, not a warning: every request to this upstream fails until its authorization server takes the gateway's credentials.
        this.logger.error(withRequestId(request.id, message));
        return { failure: { status: 502, code: GatewayErrorCode.UpstreamCredentials, reason: 'upstream_credentials', message: `${message}` } };
      }
    }
    // A client that goes away takes its upstream request with it. 'close' also follows every
    // answer sent in full: ending the call then would only be work on the hot path.
    const signal = new EventEmitter();
    const leave = () => {
      if (!reply.raw.writableFinished) signal.emit('abort');
    };
    reply.raw.once('close', leave);
    try {
      // A client span whose traceparent the upstream receives (libs/tracing; nothing when tracing is off).
      const response = await tracedRequest({ method: request.method, url: declaration.url, headers: bearer === undefined ? headers : { ...headers, authorization: `Bearer ${bearer}` } }, (traced) =>
        this.http.call(declaration.url, {
          method: request.method,
          headers: traced,
          // The body as the client sent it: re-serialising the parsed one could change it (a
          // JSON-RPC id beyond 2^53, say).
          body: request.method === 'POST' ? (request.rawJson ?? JSON.stringify(request.body)) : undefined,
          headersTimeoutMs: declaration.timeoutMs,
          signal,
        }),
      );
      return { response, bearer };
    } catch (err) {
      reply.raw.off('close', leave);
      if (err instanceof UpstreamHeadersTimeout) {
        return { failure: { status: 504, code: GatewayErrorCode.UpstreamTimeout, reason: 'upstream_timeout', message: `upstream ${declaration.name} did not answer within ${declaration.timeoutMs} ms` } };
      }
      const detail = err instanceof UpstreamEncodingRefused ? err.message : 'is unreachable';
      return { failure: { status: 502, code: GatewayErrorCode.UpstreamUnavailable, reason: 'upstream_unavailable', message: `upstream ${declaration.name} ${detail}` } };
    }
  }

  private tapFor(contentType: string | undefined, inspector: AnswerInspector): Transform | undefined {
    // Each tapped event waits for the audit records its answers caused (one group-committed
    // insert). A JSON answer to read never gets here (relayWhole).
    if (mediaType(contentType) === 'text/event-stream') return sseTap(inspector.tap, () => inspector.recorded());
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
    setRefusalReason(request, code);
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(jsonRpcError(code, message, typeof id === 'string' || typeof id === 'number' ? id : null));
  }
}
