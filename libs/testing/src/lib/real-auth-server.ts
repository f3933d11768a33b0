import * as oauth from 'oauth4webapi';
import { type Backend, type Environment, type AuthServer, startAuthServer, USERS } from './oauth/auth-server';
import { Browser } from './oauth/browser';
import {
  authorizeInBrowser,
  clientCredentialsTokens,
  codeFlow,
  deleteClient,
  REDIRECT,
  register,
  registerPublicClient,
  registerTrustedClient,
  type Person,
  type RegisteredClient,
  revoke,
} from './oauth/oauth-client';

/**
 * The built authorization server as the resource servers' tests see it: tokens in hand, in one
 * call each. Everything goes through the one OAuth test client (./oauth): registration
 * (RFC 7591), client credentials with a resource (RFC 8707), the code flow with PKCE through the
 * real login and consent pages, revocation (RFC 7009) and client deletion (RFC 7592 §2.3).
 */
export const PERSON = USERS.alice;

/** The tokens a person's code flow ended with, and the client it registered for it. */
export type PersonTokens = oauth.TokenEndpointResponse & { client: RegisteredClient };

export interface RealAuthServer {
  issuer: string;
  server: AuthServer;
  /** A trusted confidential client registered with the initial access token. */
  registerTrusted(scope: string): Promise<RegisteredClient>;
  clientCredentials(client: RegisteredClient, resource: string, scope: string): Promise<oauth.TokenEndpointResponse>;
  /**
   * A person logs in and consents in a cookie-keeping browser; PKCE S256, `resource` bound. The
   * client is a public native one, or with `trusted` a confidential one registered with the
   * initial access token (only trusted clients may hold privileged scopes such as audit:read).
   * The person is PERSON unless `person` says (audit:read is for people with the admin role:
   * USERS.root).
   */
  codeFlow(resource: string, scope: string, options?: { trusted?: boolean; person?: Person }): Promise<PersonTokens>;
  revoke(client: RegisteredClient, token: string): Promise<Response>;
  /** RFC 7592 §2.3: deletes the client (and so revokes its grants and tokens). */
  deleteClient(client: RegisteredClient): Promise<Response>;
  /**
   * The person (PERSON) in one cookie-keeping browser, for a client that builds its own
   * authorization request (an SDK's OAuth provider): logs in, approves, and returns the URL the
   * authorization server redirects to (the client's callback, with `code`, `state` and `iss`).
   */
  authorizeInBrowser(authorizationUrl: URL): Promise<URL>;
  stop(): Promise<void>;
}

export async function startRealAuthServer(backend: Backend, env: Environment = {}): Promise<RealAuthServer> {
  const server = await startAuthServer(backend, env);
  const browser = new Browser(server.issuer);
  return {
    issuer: server.issuer,
    server,
    authorizeInBrowser: async (url) => (await authorizeInBrowser(browser, url, PERSON)).callback,
    registerTrusted: (scope) => registerTrustedClient(server, { client_name: 'resource server test service', scope }),
    clientCredentials: (client, resource, scope) => clientCredentialsTokens(server, client, { resource, scope }),
    async codeFlow(resource, scope, options = {}) {
      const client = options.trusted
        ? await register(
            server,
            {
              client_name: 'resource server test web client',
              redirect_uris: [REDIRECT],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
              token_endpoint_auth_method: 'client_secret_basic',
              scope,
            },
            true,
          )
        : await registerPublicClient(server);
      const { tokens } = await codeFlow(server, new Browser(server.issuer), client, options.person ?? PERSON, { resource, scope });
      return { ...tokens, client };
    },
    revoke: (client, token) => revoke(server, client, token, 'access_token'),
    deleteClient,
    stop: () => server.stop(),
  };
}
