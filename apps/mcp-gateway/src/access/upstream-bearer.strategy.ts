import { Injectable } from '@nestjs/common';
import { type BearerRequest, BearerStrategy } from '@portcullis/resource-server';
import type { Upstream } from '../upstreams/upstream-registry';

/** Passport knows the gateway's bearer strategy by this name. */
export const UPSTREAM_BEARER_STRATEGY = 'portcullis-upstream-bearer';

/**
 * The resource servers' bearer strategy, deciding each token with the verifier of the upstream
 * the request addresses (its only audience, RFC 8707), which UpstreamAccessGuard looked up
 * before passport runs. Registers itself with passport when constructed.
 */
@Injectable()
export class UpstreamBearerStrategy extends BearerStrategy {
  constructor() {
    super((request) => (request as BearerRequest & { upstream: Upstream }).upstream.verifier, UPSTREAM_BEARER_STRATEGY);
  }
}
