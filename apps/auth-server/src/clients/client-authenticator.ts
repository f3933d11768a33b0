import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { InvalidClient, InvalidRequest, matchesDigest, optionalParameter, parseRequest } from '@portcullis/oauth';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { PrivateKeyJwtVerifier } from './private-key-jwt.verifier';

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The body's client authentication parameters: RFC 6749 §2.3.1 and RFC 7523 §2.2. */
const clientAuthenticationSchema = z.object({
  client_id: optionalParameter('client_id'),
  client_secret: optionalParameter('client_secret'),
  client_assertion: optionalParameter('client_assertion'),
  client_assertion_type: optionalParameter('client_assertion_type'),
});

export interface ClientAuthenticationInput {
  authorization?: string;
  body: unknown;
}

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3,
 * OAuth 2.1 §2.4): exactly one method per request, and it must be the one the client
 * registered. Every failure is `invalid_client`, 401 when the client used HTTP Basic.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly clients: ClientsService,
    private readonly privateKeyJwt: PrivateKeyJwtVerifier,
  ) {}

  async authenticate(input: ClientAuthenticationInput): Promise<ClientEntity> {
    const params = parseRequest(clientAuthenticationSchema, input.body ?? {}, { fallback: 'invalid_request' });
    const basic = this.parseBasic(input.authorization);
    const methods = [basic, params.client_secret, params.client_assertion].filter((m) => m !== undefined);
    if (methods.length > 1) throw new InvalidRequest('use exactly one client authentication method');

    if (basic) {
      if (params.client_id !== undefined && params.client_id !== basic.clientId) {
        throw new InvalidRequest('client_id in the body differs from the authenticated client');
      }
      return this.bySecret(basic.clientId, basic.secret, 'client_secret_basic', true);
    }
    if (params.client_assertion !== undefined) {
      if (params.client_assertion_type !== JWT_BEARER_ASSERTION) {
        throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
      }
      return this.privateKeyJwt.verify(params.client_assertion, params.client_id);
    }
    if (!params.client_id) throw new InvalidClient('client authentication is required');
    if (params.client_secret !== undefined) {
      return this.bySecret(params.client_id, params.client_secret, 'client_secret_post', false);
    }
    // Public client: identified, not authenticated (OAuth 2.1 §2.4); PKCE protects the code.
    const client = await this.clients.find(params.client_id);
    if (!client || client.tokenEndpointAuthMethod !== 'none') throw new InvalidClient();
    return client;
  }

  private async bySecret(
    clientId: string,
    secret: string,
    method: 'client_secret_basic' | 'client_secret_post',
    usedBasic: boolean,
  ): Promise<ClientEntity> {
    const client = await this.clients.find(clientId);
    // The digest comparison runs even for an unknown client so response time does not reveal
    // which client ids exist.
    const digest = client?.secretHash ?? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const secretOk = matchesDigest(secret, digest);
    if (!client || !client.secretHash || !secretOk || client.tokenEndpointAuthMethod !== method) {
      throw new InvalidClient('client authentication failed', usedBasic);
    }
    if (client.secretExpiresAt && client.secretExpiresAt <= Date.now()) {
      throw new InvalidClient('client secret has expired', usedBasic);
    }
    return client;
  }

  /** RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64. */
  private parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
    if (!header || !/^basic /i.test(header)) return undefined;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClient('malformed Basic credentials', true);
    try {
      const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      if (!clientId) throw new InvalidClient('malformed Basic credentials', true);
      return { clientId, secret };
    } catch {
      throw new InvalidClient('malformed Basic credentials', true);
    }
  }
}
