import type { z } from 'zod';
import { ClientEntity } from '../../clients/client.entity';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/**
 * One grant type (RFC 6749 §4): the token endpoint looks the handler up by `grant_type`,
 * reads the request through the handler's schema (token-request.schemas.ts) and hands it the
 * typed, already-validated request.
 */
export interface GrantHandler<Request = unknown> {
  readonly grantType: string;
  readonly requestSchema: z.ZodType<Request>;
  handle(client: ClientEntity, request: Request): Promise<TokenResponse>;
  /**
   * Only for a grant whose assertion is itself the client's credential (a workload JWT, MCP
   * Workload Identity Federation): the client the request's grant identifies, with the request
   * as verified; undefined when the client must authenticate the usual way (RFC 6749 §2.3).
   */
  identifyClient?(body: unknown, authorization: string | undefined): Promise<ClientIdentifiedByGrant<Request> | undefined>;
}

/** A client identified by its grant, and the request as read (and verified) while doing so. */
export interface ClientIdentifiedByGrant<Request> {
  client: ClientEntity;
  request: Request;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
