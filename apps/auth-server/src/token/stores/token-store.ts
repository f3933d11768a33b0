import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../../audit/audit-trail';
import type { AuthorizationCodeEntity } from '../authorization-code.entity';
import type { GrantEntity } from '../grant.entity';
import type { RefreshTokenEntity } from '../refresh-token.entity';
import type { AccessTokenRevocation, FamilyRevocation, RevocationCause } from '../token-events';

/** An authorization the person gave (RFC 6749 §4.1.1–4.1.2): a grant and its code. */
export interface NewAuthorization {
  userId: string;
  clientId: string;
  resource: string;
  scopes: string[];
  redirectUri: string;
  redirectUriGiven: boolean;
  codeChallenge: string;
  /** When the code expires (the caller's policy: OAuth 2.1 §4.1.2, short-lived). */
  expiresAt: number;
}

/** What one token request issues under a grant, recorded atomically with its event. */
export interface Issuance {
  grantId: string;
  clientId: string;
  /** The access token, by `jti` (so revoking the family can name it). */
  accessToken: { jti: string; expiresAt: number };
  /** Scope of a new refresh token of the family, when one is issued. */
  refreshScope?: readonly string[];
  /** Refresh rotation (OAuth 2.1 §4.3.1): the refresh token presented, marked used. */
  rotates?: RefreshTokenEntity;
  /** The event that records it (token.issued or token.refreshed). */
  event: AuditEvent;
}

/**
 * What presenting a code came to (RFC 6749 §4.1.2: a code is used once). `issued`: this
 * presentation spent it and the tokens exist; `spent`: it spent it, nothing was issued;
 * `replayed`: it had been spent before; `revoked`: spent, but the grant was revoked.
 */
export type Redemption = { outcome: 'issued'; refreshToken?: string } | { outcome: 'spent' | 'replayed' | 'revoked' };

/** What revoking a grant did: the live access tokens it revoked; `withdrawn`: this call ended the grant (false: it already was). */
export interface GrantRevocation extends FamilyRevocation {
  withdrawn: boolean;
}

/** One grant to revoke and why: what its events say. */
export interface GrantToRevoke {
  grantId: string;
  cause: RevocationCause;
}

/** A refresh token with the grant it belongs to. */
export interface StoredRefreshToken {
  token: RefreshTokenEntity;
  grant: GrantEntity;
}

/**
 * Token storage, the one interface every grant type and endpoint uses: grants (token
 * families, RFC 6749 "authorization grant") and what hangs off them — authorization codes,
 * refresh tokens, and the `jti`s of access tokens. Codes and refresh tokens are stored only
 * as sha256 digests. Every change is atomic with its audit event. One implementation per
 * database engine, chosen when the module is wired (token-store.provider.ts).
 *
 * Issuance and revocation of a grant are serialised under the grant's row lock: either a
 * revocation sees (and revokes) the new tokens, or the issuance sees the revocation and
 * issues nothing — so a replayed code or reused refresh token racing a legitimate request
 * cannot leave that request's tokens alive.
 */
export abstract class TokenStore {
  /** Creates the grant and its authorization code, with `events`; returns the code (shown once). */
  abstract issueCode(authorization: NewAuthorization, events: readonly AuditEvent[]): Promise<{ code: string; grantId: string }>;

  /** The code's row, spent or not; undefined when unknown. */
  abstract findCode(code: string): Promise<AuthorizationCodeEntity | undefined>;

  /**
   * Spends the code, atomically: of two concurrent presentations exactly one spends it. With
   * `issuance`, also records what it issues, in the same commit, if the grant is live.
   */
  abstract redeemCode(code: AuthorizationCodeEntity, issuance?: Issuance): Promise<Redemption>;

  abstract findRefreshToken(token: string): Promise<StoredRefreshToken | undefined>;

  /**
   * Records what a token request issued — the access token's `jti`, the refresh token (new,
   * and the rotated one marked used: only the first use sets it, so the grace window is not
   * extended) and the event. Returns the new refresh token, or undefined when the grant was
   * revoked (then nothing is written).
   */
  abstract issue(issuance: Issuance): Promise<{ refreshToken?: string } | undefined>;

  /**
   * Revokes a grant and everything issued under it, with its events (auth.token.revoked names
   * the live access tokens, so resource servers refuse them). Idempotent.
   */
  abstract revokeGrant(grantId: string, cause: RevocationCause): Promise<GrantRevocation>;

  /**
   * Revokes several grants in one transaction, each as revokeGrant does, with its own events:
   * an operator withdrawing everything of a person or a client in one round trip instead of
   * one per grant. One answer per grant, in the order given.
   */
  abstract revokeGrants(grants: readonly GrantToRevoke[]): Promise<GrantRevocation[]>;

  /** Revokes every live grant of a client (RFC 7592 §2.3: the client is deleted), with their events. */
  abstract revokeGrantsOfClient(clientId: string): Promise<void>;

  /** Revokes one access token by `jti` (RFC 7009), remembered until it expires. */
  abstract revokeAccessToken(token: AccessTokenRevocation): Promise<void>;
}

/** 256 bits from the CSPRNG, base64url: unguessable codes and refresh tokens. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}
