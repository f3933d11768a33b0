import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';

type Reply = (message: JSONRPCMessage) => void;

/**
 * One long-lived MCP transport that serves every stateless HTTP request.
 *
 * The SDK's stateless mode builds a new `McpServer` and `StreamableHTTPServerTransport` per
 * request (SDK 1.32 refuses to reuse a stateless transport: "Stateless transport cannot be
 * reused across requests", because two clients' JSON-RPC ids would collide in its maps). That
 * rebuilds the server, its tool registry and its JSON-schema validator on every call. Instead,
 * one `McpServer` is connected once to this transport, and each HTTP request's messages are
 * fed in with fresh, process-unique ids; the responses are matched back by those ids and get
 * the client's own ids restored. Concurrent clients using the same ids cannot collide.
 *
 * Nothing here outlives a request, so replicas stay interchangeable. What a stateless server
 * cannot do anyway is not offered: server-to-client requests and notifications have no stream
 * to travel on (responses are plain JSON), so they are dropped.
 */
export class StatelessDispatcher implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private nextId = 1;
  private readonly pending = new Map<number, { clientId: RequestId; reply: Reply }>();

  async start(): Promise<void> {
    /* nothing to open: messages arrive through dispatch() */
  }

  async close(): Promise<void> {
    for (const [id, { clientId, reply }] of this.pending) {
      this.pending.delete(id);
      reply({ jsonrpc: '2.0', id: clientId, error: { code: -32000, message: 'server shutting down' } });
    }
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!('id' in message) || 'method' in message || typeof message.id !== 'number') return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    waiting.reply({ ...message, id: waiting.clientId } as JSONRPCMessage);
  }

  /**
   * Hands one HTTP request's messages to the server. Resolves with the responses to its
   * requests, in order (empty when it carried only notifications).
   *
   * One promise per HTTP request, settled when its last response arrives, rather than one per
   * message gathered by Promise.all: nearly every request carries one message, and each promise
   * on this path also runs Node 20's promise hooks (AsyncLocalStorage).
   */
  dispatch(messages: readonly JSONRPCMessage[], extra: MessageExtraInfo): Promise<JSONRPCMessage[]> {
    let requests = 0;
    for (const message of messages) if ('method' in message && 'id' in message) requests++;
    const responses = new Array<JSONRPCMessage>(requests);
    return new Promise<JSONRPCMessage[]>((resolve) => {
      let waiting = requests;
      let slot = 0;
      for (const message of messages) {
        if ('method' in message && 'id' in message) {
          const request = message as JSONRPCRequest;
          const id = this.nextId++;
          const at = slot++;
          this.pending.set(id, {
            clientId: request.id,
            reply: (response) => {
              responses[at] = response;
              if (--waiting === 0) resolve(responses);
            },
          });
          this.onmessage?.({ ...request, id }, extra);
        } else if ('method' in message) {
          // A cancellation names the client's request id, which means nothing across requests
          // here; other notifications (notifications/initialized) pass through.
          if (message.method !== 'notifications/cancelled') this.onmessage?.(message, extra);
        }
        // Responses from the client answer server-to-client requests, which this server never sends.
      }
      if (requests === 0) resolve(responses);
    });
  }

  /** Requests still waiting for the server's answer (for tests and shutdown). */
  get inFlight(): number {
    return this.pending.size;
  }
}
