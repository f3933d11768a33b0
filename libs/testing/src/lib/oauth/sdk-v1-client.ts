import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type OAuthClientProvider, type OAuthDiscoveryState, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { RealAuthServer } from '../real-auth-server';
import { REDIRECT_URL } from './sdk-v2-client';

/*
 * The MCP SDK 1.x client (@modelcontextprotocol/sdk) doing its own OAuth against the real
 * authorization server, as an application wires it. Unlike v2, SDK 1.32 answers a 403
 * insufficient_scope by refreshing when it holds a refresh token (which cannot widen scope, so
 * it fails), and otherwise authorizes again for the challenged scope alone: this provider's
 * client registers for authorization_code only, so it holds no refresh token.
 */
export class SdkV1OAuthProvider implements OAuthClientProvider {
  readonly authorizationRequests: URL[] = [];
  callback?: URL;
  private client?: OAuthClientInformationMixed;
  private stored?: OAuthTokens;
  private verifier = '';
  private discovery?: OAuthDiscoveryState;

  constructor(private readonly as: RealAuthServer) {}

  get redirectUrl(): string {
    return REDIRECT_URL;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK 1.x test',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
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

  /** The code of the callback the person's browser reached, once. */
  takeCode(): string | undefined {
    const code = this.callback?.searchParams.get('code') ?? undefined;
    this.callback = undefined;
    return code;
  }
}

/** What an app does with the SDK 1.x UnauthorizedError: finish at its callback (the code), then try again. */
export async function withAuthorizationV1<T>(transport: StreamableHTTPClientTransport, provider: SdkV1OAuthProvider, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    const code = err instanceof UnauthorizedError ? provider.takeCode() : undefined;
    if (!code) throw err;
    await transport.finishAuth(code);
    return attempt();
  }
}

/** The SDK 1.x connect pattern: the first connection ends in UnauthorizedError; finish, then connect anew. */
export async function connectWithOAuthV1(resource: string, provider: SdkV1OAuthProvider): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const first = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  const refused = await new Client({ name: 'sdk-v1-test', version: '1.0.0' }).connect(first).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(refused instanceof UnauthorizedError)) throw new Error(`the first connection should need authorization, got ${String(refused)}`);
  const code = provider.takeCode();
  if (!code) throw new Error('the SDK did not send the person to the authorization server');
  await first.finishAuth(code);
  await first.close();
  const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  const client = new Client({ name: 'sdk-v1-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}
