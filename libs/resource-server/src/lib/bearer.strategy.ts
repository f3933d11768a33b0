import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { AccessTokenVerifier } from './access-token-verifier';
import { type Principal, TokenRejected } from './principal';

/** Registered with passport under this name (one resource server per process). */
export const BEARER_STRATEGY = 'portcullis-bearer';

/** passport-http-bearer extracts the token; the verifier decides. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(@Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier) {
    super();
  }

  async validate(token: string): Promise<Principal> {
    const result = await this.verifier.verify(token);
    if (!result.ok) throw new TokenRejected(result.reason, result.detail, result.principal);
    return result.principal;
  }
}
