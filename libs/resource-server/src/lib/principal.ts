/**
 * Who is calling, as proven by a verified access token (RFC 9068 §2.2 claims, in camelCase).
 * The token itself is deliberately not part of it, so a principal can be logged or put in an
 * event without carrying a secret.
 */
export interface Principal {
  /** `sub`: the user id, or the client id for client_credentials tokens. */
  subject: string;
  /** `client_id`: the OAuth client the token was issued to. */
  clientId: string;
  /** `scope`, split: exactly what was granted (implications are applied when checking). */
  scopes: readonly string[];
  /** `jti`: names the token in revocations and audit events. */
  jti: string;
  /** `iat`, NumericDate (seconds): what a client-wide revocation compares ("issued at or before"). */
  issuedAt: number;
  expiresAt: Date;
  /** `aud`, in canonical form: always this resource. */
  audience: string;
}

/** Why a token was refused. Each reason maps to one precise `error_description`. */
export type TokenFailureReason =
  | 'malformed'
  | 'unsupported_type'
  | 'unsupported_algorithm'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'missing_claim'
  | 'revoked'
  | 'keys_unavailable';

const DESCRIPTIONS: Record<TokenFailureReason, string> = {
  malformed: 'the access token is not a well-formed JWT',
  unsupported_type: 'the access token is not an RFC 9068 at+jwt',
  unsupported_algorithm: 'the access token is signed with an algorithm this resource does not accept',
  unknown_key: 'the access token is signed with an unknown key',
  bad_signature: 'the access token signature is invalid',
  wrong_issuer: 'the access token was issued by an untrusted issuer',
  wrong_audience: 'the access token was issued for another resource',
  expired: 'the access token has expired',
  not_yet_valid: 'the access token is not valid yet',
  issued_in_future: 'the access token was issued in the future',
  missing_claim: 'the access token lacks a required claim',
  revoked: 'the access token has been revoked',
  keys_unavailable: 'the issuer keys could not be fetched',
};

export class TokenRejected extends Error {
  constructor(
    readonly reason: TokenFailureReason,
    /** Extra detail for logs only (e.g. the claim that was missing); never sent to clients. */
    readonly detail?: string,
    /**
     * Who the token names, when its signature was genuine and it was refused only for being
     * revoked or expired: an audit record of such a refusal should say whose token it was.
     */
    readonly principal?: Principal,
  ) {
    super(DESCRIPTIONS[reason]);
    this.name = 'TokenRejected';
  }
}
