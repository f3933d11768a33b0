import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, JWTPayload } from 'jose';
import { InvalidGrant } from '@portcullis/oauth';
import { mediaTyp } from './assertion-peek';
import { IssuerKeySets } from './issuer-key-sets';

/** Allowed clock difference between an issuer and this server (RFC 7523 §3 items 4-5 "reasonable"). */
export const CLOCK_TOLERANCE_S = 30;
/** Asymmetric algorithms only: a shared-secret (HS*) or `none` assertion is never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** RFC 7523 §3 item 2 names the subject; capped so it fits the token subject and the events. */
const MAX_SUBJECT = 255;
const MAX_JTI = 256;

export interface TrustedSource {
  /** The operator's name for the issuer, used in error descriptions (never attacker-chosen text). */
  name: string;
  issuer: string;
  jwks_uri: string;
  max_lifetime_seconds: number;
}

export interface AssertionExpectations {
  /** Accepted `aud` values; any one of them in the claim will do (RFC 7523 §3 item 3). */
  audiences: string[];
  /** Explicit typing (RFC 8725 §3.11): the `typ` values accepted (lower case, without `application/`); undefined = absent. */
  types: (string | undefined)[];
  /** Refuse an `aud` array (the ID-JAG names one authorization server). */
  singleAudience?: boolean;
}

export interface VerifiedAssertion {
  claims: JWTPayload & { sub: string; jti: string; exp: number; iat: number };
}

/**
 * RFC 7523 §3 for a JWT from a trusted issuer: signature by the issuer's published keys, `iss`,
 * `aud`, `exp`/`nbf`/`iat` with a small tolerance, a bounded lifetime, `sub` and `jti` present.
 * Every failure is `invalid_grant` (RFC 7521 §4.1.1), with a description naming the issuer by
 * the operator's name. The `jti` is not recorded here: the grant does that last, so a request
 * refused for another reason (a scope, a resource) can be corrected and sent again.
 */
@Injectable()
export class AssertionVerifier {
  constructor(private readonly keySets: IssuerKeySets) {}

  async verify(assertion: string, source: TrustedSource, expect: AssertionExpectations, now = Date.now()): Promise<VerifiedAssertion> {
    let payload: JWTPayload;
    let typ: string | undefined;
    try {
      ({ payload, protectedHeader: { typ } } = await jwtVerify(assertion, this.keySets.forUri(source.jwks_uri), {
        issuer: source.issuer,
        audience: expect.audiences,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      }));
    } catch (err) {
      throw new InvalidGrant(`assertion from '${source.name}' rejected: ${reason(err)}`);
    }
    if (!expect.types.includes(mediaTyp(typ))) throw new InvalidGrant(`assertion from '${source.name}' has the wrong type (typ)`);
    if (expect.singleAudience && typeof payload.aud !== 'string') throw new InvalidGrant(`assertion from '${source.name}' must name this server as its only audience`);
    const { sub, jti, exp, iat } = payload as VerifiedAssertion['claims'];
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT) throw new InvalidGrant(`assertion from '${source.name}' has an unusable sub`);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI) throw new InvalidGrant(`assertion from '${source.name}' has an unusable jti`);
    checkLifetime(source, exp, iat, Math.floor(now / 1000));
    return { claims: payload as VerifiedAssertion['claims'] };
  }
}

/** A short-lived assertion (RFC 7523 §3 items 4-5; the ID-JAG profile §7.4.2), not issued in the future. */
function checkLifetime(source: TrustedSource, exp: number, iat: number, now: number): void {
  const max = source.max_lifetime_seconds;
  if (iat > now + CLOCK_TOLERANCE_S) throw new InvalidGrant(`assertion from '${source.name}' is issued in the future`);
  if (exp - iat > max || exp - now > max + CLOCK_TOLERANCE_S) {
    throw new InvalidGrant(`assertion from '${source.name}' lives longer than the ${max} seconds allowed`);
  }
}

/** What went wrong, in words that reveal nothing the client does not already have. */
function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'its audience is not this authorization server';
    if (err.claim === 'iss') return 'its issuer does not match';
    if (err.claim === 'nbf') return 'it is not yet valid';
    return `claim '${err.claim}' is missing or invalid`;
  }
  if (err instanceof errors.JWKSTimeout) return "the issuer's keys could not be fetched in time";
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return "no key of the issuer's JWKS matches it";
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'its signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'its signing algorithm is not allowed';
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return 'it is not a well-formed signed JWT';
  if (err instanceof errors.JOSEError) return `it could not be verified (${err.code})`;
  // A fetch of the JWKS that failed outright (connection refused, DNS, non-200): not the client's fault, still no 500.
  return "the issuer's keys could not be fetched";
}
