import { Inject, Injectable } from '@nestjs/common';
import { USE_ONCE_LEDGER } from '../shared-state/shared-state';
import type { UseOnceLedger } from '../shared-state/shared-state';

/**
 * The jwt-bearer assertions already used (RFC 7523 §3 item 7; required by the ID-JAG profile
 * §7.4.2 and the MCP WIF extension's `jti`), scoped by issuer, in the ledger every replica
 * shares: the same assertion presented twice at once to two replicas is accepted by exactly one.
 */
@Injectable()
export class AssertionJtiLedger {
  constructor(@Inject(USE_ONCE_LEDGER) private readonly ledger: UseOnceLedger) {}

  /** Records the use; false when this issuer's `jti` was used before (a replay). */
  use(issuer: string, jti: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    // The key format predates the shared ledger (issuers are URLs, so it cannot meet a client assertion's key).
    return this.ledger.use(`${issuer}\n${jti}`, expiresAt, now);
  }
}
