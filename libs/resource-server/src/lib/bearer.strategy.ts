import passport from 'passport';
import { Strategy, type VerifyFunctionWithRequest } from 'passport-http-bearer';
import type { AccessTokenVerifier, VerificationResult } from './access-token-verifier';
import { TokenRejected } from './principal';

/** The name ResourceServerModule registers its strategy under (one resource per process). */
export const BEARER_STRATEGY = 'portcullis-bearer';

/**
 * The request does not carry its token the one way this resource accepts (RFC 6750 §3.1
 * `invalid_request`). Raised by the strategy, so the guard learns why from its type.
 */
export class BearerRequestRejected extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'BearerRequestRejected';
  }
}

type PassportRequest = Parameters<Strategy<VerifyFunctionWithRequest>['authenticate']>[0];
type Verified = Parameters<VerifyFunctionWithRequest>[2];

export interface BearerRequest {
  headers: Record<string, unknown>;
  query?: unknown;
  body?: unknown;
}

/**
 * The verifier that decides a request's token: the one verifier of a resource server, or the
 * one of the resource the request addresses (the MCP gateway: one audience per upstream,
 * RFC 8707). Called only once a token was extracted.
 */
export type VerifierFor = (request: BearerRequest) => AccessTokenVerifier;

/**
 * passport-http-bearer extracts the token; the verifier decides. Before extraction the
 * strategy refuses, with its reason, the two request shapes passport-http-bearer would either
 * accept or refuse without one: a token outside the Authorization header, and a header that is
 * not one scheme and one credential.
 *
 * The verify callback is the strategy's own rather than @nestjs/passport's PassportStrategy
 * wrapper, which awaits a `validate` promise even when the answer is known at once: a token
 * verified before is answered from the cache synchronously, inside passport's call, and only
 * a token seen for the first time waits for its signature check. The guard is still
 * @nestjs/passport's AuthGuard, running this strategy through passport on every request.
 *
 * Constructing one registers it with passport under `name`, where a guard made by
 * PassportBearerGuard(name) finds it.
 */
export class BearerStrategy extends Strategy<VerifyFunctionWithRequest> {
  constructor(verifierFor: VerifierFor, name: string = BEARER_STRATEGY) {
    super({ passReqToCallback: true }, verifyWith(verifierFor));
    passport.use(name, this);
  }

  /** Set by passport on the per-request copy of the strategy (passport-strategy's `error` action). */
  declare error: (err: Error) => void;

  override authenticate(request: PassportRequest, options?: object): void {
    const problem = bearerRequestProblem(request as BearerRequest);
    if (problem) return this.error(new BearerRequestRejected(problem));
    super.authenticate(request, options);
  }
}

/** passport-http-bearer's verify callback: the principal, or the precise refusal as an error. */
function verifyWith(verifierFor: VerifierFor): VerifyFunctionWithRequest {
  return (request, token, done) => {
    const verifier = verifierFor(request as BearerRequest);
    const cached = verifier.verifyCached(token);
    if (cached) return answer(cached, done);
    void verifier.verifyFresh(token).then(
      (result) => answer(result, done),
      (err: unknown) => done(err),
    );
  };
}

function answer(result: VerificationResult, done: Verified): void {
  if (result.ok) done(null, result.principal);
  else done(new TokenRejected(result.reason, result.detail, result.principal));
}

/** Why a request does not carry its token the one way a resource accepts, or undefined when it does (or carries none). */
function bearerRequestProblem(request: BearerRequest): string | undefined {
  // RFC 9728 bearer_methods_supported is ["header"]: a token in the URI leaks into logs and
  // histories (RFC 6750 §5.3), and one in a body is not offered. Refused, never used.
  if (hasParam(request.query, 'access_token') || hasParam(request.body, 'access_token')) {
    return 'access tokens are accepted only in the Authorization header';
  }
  // RFC 6750 §2.1 (credentials = "Bearer" 1*SP b64token, as RFC 7235 §2.1 frames every
  // scheme): one scheme, one space, one credential. Another scheme in that form is simply no
  // bearer token (a bare 401 challenge follows); anything else is a malformed request.
  const header = request.headers['authorization'];
  if (typeof header === 'string' && header !== '' && !hasOneSpace(header)) return 'malformed Authorization header';
  return undefined;
}

/** Exactly one space, i.e. `header.split(' ')` has two parts (what passport-http-bearer splits on), without splitting. */
function hasOneSpace(header: string): boolean {
  const space = header.indexOf(' ');
  return space !== -1 && header.indexOf(' ', space + 1) === -1;
}

function hasParam(container: unknown, name: string): boolean {
  return typeof container === 'object' && container !== null && !Array.isArray(container) && Object.hasOwn(container, name);
}
