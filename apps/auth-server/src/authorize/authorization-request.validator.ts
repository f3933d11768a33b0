import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { findRegisteredRedirect, OAuthError, parseRequest } from '@portcullis/oauth';
import { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { ResourceRegistry } from '../resources/resource-registry';
import { resolveRequestedScopes } from '../scopes/scope-policy';
import { AuthorizationPageError } from './authorization-error-page.error';
import { AuthorizationRedirectError } from './authorization-redirect.error';
import {
  AUTHORIZATION_PAGE_ERRORS,
  AUTHORIZATION_REQUEST_ERRORS,
  AuthorizationParameters,
  authorizationParametersSchema,
  clientIdParameterSchema,
  echoableState,
  redirectUriParameterSchema,
} from './authorization-request.schema';

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

type Raw = Record<string, unknown>;
type Fail = (error: OAuthError['error'], description: string) => never;

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
    // An over-long or repeated state cannot be echoed faithfully; the error then goes without it.
    const state = echoableState.parse(raw.state);
    // Declared with its type so TypeScript narrows after a call (a `never` assertion).
    const fail: Fail = (error, description) => {
      throw new AuthorizationRedirectError(error, description, redirectUri, state);
    };
    let params: AuthorizationParameters;
    try {
      params = parseRequest(authorizationParametersSchema, raw, AUTHORIZATION_REQUEST_ERRORS);
    } catch (err) {
      if (err instanceof OAuthError) return fail(err.error, err.description);
      throw err;
    }
    if (!client.grantTypes.includes('authorization_code')) {
      fail('unauthorized_client', 'this client is not registered for the authorization_code grant');
    }
    const { resource, scopes } = this.checkResourceAndScope(params, client, fail);
    return { client, redirectUri, redirectUriGiven, state, scopes, resource, codeChallenge: params.code_challenge, prompt: params.prompt };
  }

  private async checkClient(raw: Raw): Promise<ClientEntity> {
    const clientId = readOnPage(clientIdParameterSchema, raw).client_id;
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
    const given = readOnPage(redirectUriParameterSchema, raw).redirect_uri;
    if (given !== undefined) {
      const registered = findRegisteredRedirect(given, client.redirectUris);
      if (!registered) {
        throw new AuthorizationPageError('Invalid redirect', 'The redirect URI is not registered for this application.');
      }
      return { redirectUri: given, redirectUriGiven: true };
    }
    if (client.redirectUris.length === 1) return { redirectUri: client.redirectUris[0], redirectUriGiven: false };
    throw new AuthorizationPageError('Invalid request', 'The request names no redirect URI (redirect_uri is missing).');
  }

  /** RFC 8707 §2 and RFC 6749 §3.3: the resource and scope this client may ask for there. */
  private checkResourceAndScope(params: AuthorizationParameters, client: ClientEntity, fail: Fail): { resource: string; scopes: string[] } {
    try {
      const target = this.resources.resolve(params.resource);
      return { resource: target.identifier, scopes: resolveRequestedScopes(params.scope, client, target, 'authorization_code') };
    } catch (err) {
      if (err instanceof OAuthError) return fail(err.error, err.description);
      throw err;
    }
  }
}

/** Reads the client's identity through its schema; a refusal is shown on a page, never redirected. */
function readOnPage<S extends z.ZodType>(schema: S, raw: Raw): z.output<S> {
  try {
    return parseRequest(schema, raw, AUTHORIZATION_PAGE_ERRORS);
  } catch (err) {
    if (err instanceof OAuthError) throw new AuthorizationPageError('Invalid request', err.description);
    throw err;
  }
}
