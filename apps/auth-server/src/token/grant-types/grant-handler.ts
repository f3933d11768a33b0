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
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
