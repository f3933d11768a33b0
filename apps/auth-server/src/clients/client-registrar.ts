import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { sha256Base64Url } from '@portcullis/oauth';
import { ClientEntity, ClientOrigin } from './client.entity';
import { ClientsService } from './clients.service';
import { ClientEventsPublisher, RegistrationChannel } from './client-events.publisher';
import { toClientEntity } from './metadata/client-metadata.mapper';
import { ClientMetadata, usesClientSecret } from './metadata/client-metadata.validator';

export interface NewClient {
  metadata: ClientMetadata;
  trusted: boolean;
  origin: ClientOrigin;
  channel: RegistrationChannel;
  /** A fixed client_id (operator's choice); random otherwise. */
  clientId?: string;
  /** Issue an RFC 7592 registration access token for the management endpoint. */
  withRegistrationToken?: boolean;
}

/** A client the operator registered by configuration: its id, validated metadata and secret digest. */
export interface PreregisteredClient {
  clientId: string;
  metadata: ClientMetadata;
  secretHash: string | null;
}

export interface CreatedClient {
  client: ClientEntity;
  /** Shown once, to whoever registered the client; only its digest is stored. */
  clientSecret?: string;
  registrationAccessToken?: string;
}

/** 32 random bytes, base64url: unguessable, so a fast digest is enough to store it. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Visible ASCII, and never URL-shaped: those name Client ID Metadata Documents. */
const CHOSEN_CLIENT_ID = /^[\x21-\x7e]{1,255}$/;

/** Checks a client_id an operator chose (CLI, CLIENTS_FILE); returns the problem, if any. */
export function chosenClientIdProblem(clientId: unknown): string | undefined {
  if (typeof clientId !== 'string' || !CHOSEN_CLIENT_ID.test(clientId)) {
    return 'client_id must be 1 to 255 visible ASCII characters';
  }
  if (/^https?:/i.test(clientId)) return 'client_id must not be a URL (URLs name Client ID Metadata Documents)';
  return undefined;
}

/**
 * Creates clients for every registration channel (RFC 7591 endpoint, CLI, CLIENTS_FILE), so
 * identifiers, secrets and events are made one way.
 */
@Injectable()
export class ClientRegistrar {
  constructor(
    private readonly clients: ClientsService,
    private readonly events: ClientEventsPublisher,
  ) {}

  async create(input: NewClient): Promise<CreatedClient> {
    const clientId = input.clientId ?? randomBytes(18).toString('base64url');
    if (input.clientId !== undefined) {
      const problem = chosenClientIdProblem(clientId);
      if (problem) throw new Error(problem);
      if (await this.clients.exists(clientId)) throw new Error(`client '${clientId}' already exists`);
    }
    const clientSecret = usesClientSecret(input.metadata.tokenEndpointAuthMethod) ? generateSecret() : undefined;
    const registrationAccessToken = input.withRegistrationToken ? generateSecret() : undefined;
    const client = toClientEntity(input.metadata, {
      clientId,
      trusted: input.trusted,
      origin: input.origin,
      secretHash: clientSecret ? sha256Base64Url(clientSecret) : null,
      registrationTokenHash: registrationAccessToken ? sha256Base64Url(registrationAccessToken) : null,
      createdAt: Date.now(),
    });
    await this.clients.save(client);
    await this.events.registered(client, input.channel);
    return { client, clientSecret, registrationAccessToken };
  }

  /**
   * Pre-registration (MCP 2026-07-28 "Pre-registration": CLIENTS_FILE, the console's own
   * client): creates the client, trusted, or brings the stored one back to the configured
   * shape at every start. A stored client keeps its creation time and an operator's disabling
   * (admin API); only a new one is announced (auth.client.registered, 'static'). True when new.
   */
  async upsertPreregistered(input: PreregisteredClient): Promise<boolean> {
    const existing = await this.clients.findStored(input.clientId);
    const client = toClientEntity(input.metadata, {
      clientId: input.clientId,
      trusted: true,
      origin: 'preregistered',
      secretHash: input.secretHash,
      registrationTokenHash: null,
      createdAt: existing?.createdAt ?? Date.now(),
    });
    if (existing) client.disabledAt = existing.disabledAt;
    await this.clients.save(client);
    if (!existing) await this.events.registered(client, 'static');
    return !existing;
  }
}
