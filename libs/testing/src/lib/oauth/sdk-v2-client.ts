import {
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { RealAuthServer } from '../real-auth-server';

/*
 * The MCP SDK v2 client (@modelcontextprotocol/client) doing its own OAuth against the real
 * authorization server, as an application wires it: for the step-up specs of every resource
 * server (the mcp-server, the gateway's upstreams).
 */

export const REDIRECT_URL = 'http://127.0.0.1/callback';

/**
 * An OAuthClientProvider as an app writes one, with an in-memory store; "opening the browser"
 * drives the real login and consent pages and keeps the callback URL for the app to finish.
 */
export class BrowserOAuthProvider implements OAuthClientProvider {
  readonly authorizationRequests: URL[] = [];
  callback?: URL;
  private client?: StoredOAuthClientInformation;
  private stored?: StoredOAuthTokens;
  private verifier = '';
  private discovery?: OAuthDiscoveryState;

  constructor(private readonly as: RealAuthServer) {}

  get redirectUrl(): string {
    return REDIRECT_URL;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK v2 step-up test',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.stored = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationRequests.push(url);
    this.callback = await this.as.authorizeInBrowser(url);
  }
}

/** What an app does with UnauthorizedError: finish the authorization at its callback, then try again. */
export async function withAuthorization<T>(transport: StreamableHTTPClientTransport, provider: BrowserOAuthProvider, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || !provider.callback) throw err;
    const callback = provider.callback;
    provider.callback = undefined;
    await transport.finishAuth(callback.searchParams);
    return attempt();
  }
}

/** The SDK's connect pattern: the first transport ends in UnauthorizedError; finish, then connect anew. */
export async function connectWithOAuth(resource: string, provider: BrowserOAuthProvider): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const first = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  const refused = await new Client({ name: 'sdk-v2-step-up', version: '1.0.0' }).connect(first).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(refused instanceof UnauthorizedError)) throw new Error(`the first connection should need authorization, got ${String(refused)}`);
  const callback = provider.callback;
  if (!callback) throw new Error('the SDK did not send the person to the authorization server');
  provider.callback = undefined;
  await first.finishAuth(callback.searchParams);
  await first.close();
  const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  const client = new Client({ name: 'sdk-v2-step-up', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** The scopes an authorization request asked for, sorted. */
export const scopesOf = (url: URL) => (url.searchParams.get('scope') ?? '').split(' ').filter(Boolean).sort();
