import { ClientEntity } from '../../clients/client.entity';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** One grant type (RFC 6749 §4): the token endpoint looks the handler up by `grant_type`. */
export interface GrantHandler {
  readonly grantType: string;
  handle(client: ClientEntity, params: Record<string, unknown>): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
