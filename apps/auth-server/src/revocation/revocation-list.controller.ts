import { Controller, Get, Header } from '@nestjs/common';
import { AccessTokenRecords } from '../token/stores/access-token-records';

/**
 * Every access token revoked and not yet expired, by `jti`: what a resource server replica
 * that starts late (or lost its broker connection) must refuse before it serves. Revocations
 * are pushed over the broker as they happen; this list is the catch-up. A `jti` is a random
 * identifier, not a credential, so the list is public.
 */
@Controller()
export class RevocationListController {
  constructor(private readonly revocations: AccessTokenRecords) {}

  @Get('revocations')
  @Header('cache-control', 'no-store')
  async list() {
    const revoked = await this.revocations.currentRevocations();
    return { revocations: revoked.map((r) => ({ jti: r.jti, expires_at: Math.floor(r.expiresAt / 1000) })) };
  }
}
