import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidClientMetadata,
  InvalidToken,
  matchesDigest,
  OAuthError,
  secretsEqual,
  sha256Base64Url,
} from '@portcullis/oauth';
import { AUTH_CONFIG } from '../../config/auth-config';
import type { AuthConfig } from '../../config/auth-config';
import { ClientEntity } from '../client.entity';
import { ClientEventsPublisher } from '../client-events.publisher';
import { ClientRegistrar, generateSecret } from '../client-registrar';
import { ClientsService } from '../clients.service';
import { clientMetadataResponse, toClientEntity } from '../metadata/client-metadata.mapper';
import { usesClientSecret, validateClientMetadata } from '../metadata/client-metadata.validator';
import { RegistrationFloodGuard } from './registration-flood.guard';
import { ScopeDirectory } from '../../resources/scope-directory';

/** Digest compared when the client is unknown, so timing does not tell which ids exist. */
const DECOY_DIGEST = sha256Base64Url('no such registration');

/** RFC 6750 §3: a Bearer challenge naming the problem. */
function invalidToken(description: string): InvalidToken {
  return new InvalidToken(description, { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` });
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(authorization);
  if (!match) throw invalidToken('the Authorization header must carry a Bearer token');
  return match[1];
}

/**
 * Dynamic Client Registration (RFC 7591) and its management protocol (RFC 7592).
 *
 * Trust (RFC 7591 §3, "initial access token"): a request presenting
 * REGISTRATION_INITIAL_ACCESS_TOKEN creates a trusted client, which may use
 * client_credentials and hold privileged scopes. Open registration (no Authorization header)
 * is for the people's flow only; asking it for more is `invalid_client_metadata`.
 */
@Injectable()
export class RegistrationService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly clients: ClientsService,
    private readonly registrar: ClientRegistrar,
    private readonly events: ClientEventsPublisher,
    private readonly floodGuard: RegistrationFloodGuard,
    private readonly scopes: ScopeDirectory,
  ) {}

  private readonly findScope = (name: string) => this.scopes.find(name);

  /** RFC 7591 §3.1 → §3.2.1 (201) or §3.2.2. */
  async register(body: unknown, authorization: string | undefined, address: string): Promise<Record<string, unknown>> {
    const clientName = body && typeof body === 'object' ? (body as Record<string, unknown>).client_name : undefined;
    try {
      const trusted = this.checkInitialAccessToken(authorization);
      if (!trusted) await this.floodGuard.admit(address);
      const metadata = validateClientMetadata(body, { source: 'registration', trusted, findScope: this.findScope });
      const created = await this.registrar.create({
        metadata,
        trusted,
        origin: 'dynamic',
        channel: 'dynamic',
        withRegistrationToken: true,
      });
      return {
        ...clientMetadataResponse(created.client),
        ...(created.clientSecret ? { client_secret: created.clientSecret } : {}),
        registration_access_token: created.registrationAccessToken,
        registration_client_uri: this.clientUri(created.client.clientId),
      };
    } catch (err) {
      if (err instanceof OAuthError) await this.events.rejected(err, { clientName });
      throw err;
    }
  }

  /** RFC 7592 §2.1: read the current registration. */
  async read(clientId: string, authorization: string | undefined): Promise<Record<string, unknown>> {
    const { client, token } = await this.authorizeManagement(clientId, authorization);
    return this.managementResponse(client, token);
  }

  /**
   * RFC 7592 §2.2: the request carries the complete new metadata (omitted fields are
   * dropped), its client_id, and the client_secret only if it matches the current one. Trust
   * and identity do not change; a secret is issued only when the client newly needs one.
   */
  async update(clientId: string, authorization: string | undefined, body: unknown): Promise<Record<string, unknown>> {
    const { client, token } = await this.authorizeManagement(clientId, authorization);
    const raw = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    if (raw.client_id !== clientId) throw new InvalidClientMetadata('client_id must be present and equal the registered client_id (RFC 7592 §2.2)');
    if (raw.client_secret !== undefined) {
      if (typeof raw.client_secret !== 'string' || !client.secretHash || !matchesDigest(raw.client_secret, client.secretHash)) {
        throw new InvalidClientMetadata('client_secret does not match the current client secret (RFC 7592 §2.2)');
      }
    }
    const metadata = validateClientMetadata(body, { source: 'registration', trusted: client.trusted, findScope: this.findScope });
    let newSecret: string | undefined;
    let secretHash: string | null = null;
    if (usesClientSecret(metadata.tokenEndpointAuthMethod)) {
      if (client.secretHash) secretHash = client.secretHash;
      else {
        newSecret = generateSecret();
        secretHash = sha256Base64Url(newSecret);
      }
    }
    const updated = toClientEntity(metadata, {
      clientId,
      trusted: client.trusted,
      origin: client.origin,
      secretHash,
      registrationTokenHash: client.registrationTokenHash,
      createdAt: client.createdAt,
    });
    await this.clients.save(updated);
    return { ...this.managementResponse(updated, token), ...(newSecret ? { client_secret: newSecret } : {}) };
  }

  /** RFC 7592 §2.3: deprovision; the client id, secret and registration token stop working. */
  async remove(clientId: string, authorization: string | undefined): Promise<void> {
    await this.authorizeManagement(clientId, authorization);
    await this.clients.remove(clientId);
  }

  /** undefined header → open registration; the right token → trusted; anything else → 401. */
  private checkInitialAccessToken(authorization: string | undefined): boolean {
    const token = bearerToken(authorization);
    if (token === undefined) return false;
    const expected = this.config.registrationInitialAccessToken;
    if (!expected) throw invalidToken('this server issues no initial access tokens; register without an Authorization header');
    if (!secretsEqual(token, expected)) throw invalidToken('the initial access token is invalid');
    return true;
  }

  /**
   * RFC 7592 §2: the registration access token authorizes management of its own client. An
   * unknown client answers like a wrong token (401), so ids cannot be probed. A client an
   * operator disabled has no valid credentials, its registration access token included
   * (RFC 7592 §3: an invalid token is the RFC 6750 `invalid_token`): it must not read, change
   * — a PUT would write the client back enabled — or delete its registration.
   */
  private async authorizeManagement(clientId: string, authorization: string | undefined): Promise<{ client: ClientEntity; token: string }> {
    const token = bearerToken(authorization);
    if (token === undefined) throw invalidToken('a registration access token is required');
    const client = await this.clients.findStored(clientId);
    const ok = matchesDigest(token, client?.registrationTokenHash ?? DECOY_DIGEST);
    if (!client || !client.registrationTokenHash || !ok) throw invalidToken('the registration access token is invalid');
    // Said only to the holder of the right token: it learns nothing it could not see in the admin's answer.
    if (client.disabledAt) throw invalidToken('the registration access token is invalid: the client is disabled');
    return { client, token };
  }

  /**
   * RFC 7592 §3. The secret is stored as a digest only, so it cannot be shown again; the
   * registration access token is the one just presented (it is not rotated).
   */
  private managementResponse(client: ClientEntity, token: string): Record<string, unknown> {
    return {
      ...clientMetadataResponse(client),
      registration_access_token: token,
      registration_client_uri: this.clientUri(client.clientId),
    };
  }

  private clientUri(clientId: string): string {
    return `${this.config.issuerUrl}/register/${encodeURIComponent(clientId)}`;
  }
}
