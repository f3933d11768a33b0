import { Injectable } from '@nestjs/common';
import { findRegisteredRedirect, isValidCodeChallenge, OAuthError } from '@portcullis/oauth';
import { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { ResourceRegistry } from '../resources/resource-registry';
import { resolveRequestedScopes } from '../scopes/scope-policy';
import { AuthorizationPageError } from './authorization-error-page.error';
import { AuthorizationRedirectError } from './authorization-redirect.error';
import { AUTHORIZATION_PARAMETER_LIMITS, exceedsLimit, LimitedParameter, limitMessage } from './authorization-parameter-limits';

export interface AuthorizationRequest {
  client: ClientEntity;
  redirectUri: string;
  redirectUriGiven: boolean;
  state: string | undefined;
  scopes: string[];
  resource: string;
  codeChallenge: string;
  prompt: 'none' | 'login' | 'consent' | undefined;
}

const PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'prompt',
  'response_mode',
  'request',
  'request_uri',
] as const;

type Raw = Record<string, unknown>;
type Fail = (error: OAuthError['error'], description: string) => never;

function single(raw: Raw, name: string): string | undefined {
  const v = raw[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Validates an authorization request in the order that decides where errors may go: first
 * the client and its redirect URI (errors shown on a page, never redirected), then everything
 * else (errors redirected to the client with state and iss).
 */
@Injectable()
export class AuthorizationRequestValidator {
  constructor(
    private readonly clients: ClientsService,
    private readonly resources: ResourceRegistry,
  ) {}

  async validate(raw: Raw): Promise<AuthorizationRequest> {
    const client = await this.checkClient(raw);
    const { redirectUri, redirectUriGiven } = this.checkRedirectUri(raw, client);
    // An over-long state cannot be echoed faithfully; the error then goes without it.
    const state = typeof raw.state === 'string' && !exceedsLimit(raw, 'state') ? raw.state : undefined;
    // Declared with its type so TypeScript narrows after a call (a `never` assertion).
    const fail: Fail = (error, description) => {
      throw new AuthorizationRedirectError(error, description, redirectUri, state);
    };

    // RFC 6749 §3.1: no parameter more than once.
    for (const name of PARAMS) if (Array.isArray(raw[name])) fail('invalid_request', `parameter '${name}' must be given once`);
    for (const name of Object.keys(AUTHORIZATION_PARAMETER_LIMITS) as LimitedParameter[]) {
      if (exceedsLimit(raw, name)) fail('invalid_request', limitMessage(name));
    }
    // JAR / PAR are not offered (not in metadata); say so rather than ignore them.
    if (raw.request !== undefined) fail('request_not_supported', 'request objects are not supported');
    if (raw.request_uri !== undefined) fail('request_uri_not_supported', 'request_uri is not supported');

    const responseType = single(raw, 'response_type');
    if (!responseType) fail('invalid_request', "missing required parameter 'response_type'");
    if (responseType !== 'code') fail('unsupported_response_type', 'only response_type=code is supported');
    if (!client.grantTypes.includes('authorization_code')) {
      fail('unauthorized_client', 'this client is not registered for the authorization_code grant');
    }
    const mode = single(raw, 'response_mode');
    if (mode !== undefined && mode !== 'query') fail('invalid_request', 'only response_mode=query is supported');

    const codeChallenge = this.checkPkce(raw, fail);
    const { resource, scopes } = this.checkResourceAndScope(raw, client, fail);

    const prompt = single(raw, 'prompt');
    if (prompt !== undefined && !['none', 'login', 'consent'].includes(prompt)) {
      fail('invalid_request', 'prompt must be none, login or consent');
    }

    return {
      client,
      redirectUri,
      redirectUriGiven,
      state,
      scopes,
      resource,
      codeChallenge,
      prompt: prompt as AuthorizationRequest['prompt'],
    };
  }

  private async checkClient(raw: Raw): Promise<ClientEntity> {
    const clientId = raw.client_id;
    if (Array.isArray(clientId)) throw new AuthorizationPageError('Invalid request', 'client_id was given more than once.');
    if (typeof clientId !== 'string' || clientId === '') {
      throw new AuthorizationPageError('Invalid request', 'The request names no client (client_id is missing).');
    }
    if (exceedsLimit(raw, 'client_id')) throw new AuthorizationPageError('Invalid request', `The request is invalid: ${limitMessage('client_id')}.`);
    let client: ClientEntity | undefined;
    try {
      client = await this.clients.find(clientId);
    } catch (err) {
      if (err instanceof OAuthError) throw new AuthorizationPageError('Unknown application', err.description);
      throw err;
    }
    if (!client) throw new AuthorizationPageError('Unknown application', 'The application that sent you here is not registered.');
    return client;
  }

  /**
   * RFC 6749 §3.1.2.3 / OAuth 2.1 §4.1.1: the redirect URI must be one the client registered;
   * it may be omitted only when exactly one is registered.
   */
  private checkRedirectUri(raw: Raw, client: ClientEntity): { redirectUri: string; redirectUriGiven: boolean } {
    const given = raw.redirect_uri;
    if (Array.isArray(given)) throw new AuthorizationPageError('Invalid request', 'redirect_uri was given more than once.');
    if (exceedsLimit(raw, 'redirect_uri')) throw new AuthorizationPageError('Invalid request', `The request is invalid: ${limitMessage('redirect_uri')}.`);
    if (typeof given === 'string' && given !== '') {
      const registered = findRegisteredRedirect(given, client.redirectUris);
      if (!registered) {
        throw new AuthorizationPageError('Invalid redirect', 'The redirect URI is not registered for this application.');
      }
      return { redirectUri: given, redirectUriGiven: true };
    }
    if (client.redirectUris.length === 1) return { redirectUri: client.redirectUris[0], redirectUriGiven: false };
    throw new AuthorizationPageError('Invalid request', 'The request names no redirect URI (redirect_uri is missing).');
  }

  /** OAuth 2.1 §4.1.1 and the MCP spec: PKCE is required, and only S256 is accepted. */
  private checkResourceAndScope(raw: Raw, client: ClientEntity, fail: Fail): { resource: string; scopes: string[] } {
    try {
      const target = this.resources.resolve(raw.resource as string | undefined);
      return { resource: target.identifier, scopes: resolveRequestedScopes(single(raw, 'scope'), client, target, 'authorization_code') };
    } catch (err) {
      if (err instanceof OAuthError) return fail(err.error, err.description);
      throw err;
    }
  }

  private checkPkce(raw: Raw, fail: Fail): string {
    const challenge = single(raw, 'code_challenge');
    const method = single(raw, 'code_challenge_method');
    if (!challenge) fail('invalid_request', 'code_challenge is required (PKCE)');
    // RFC 7636 §4.3: an absent method means "plain", which is not accepted.
    if (method !== 'S256') fail('invalid_request', 'code_challenge_method must be S256');
    if (!isValidCodeChallenge(challenge)) fail('invalid_request', 'code_challenge is malformed');
    return challenge;
  }
}
