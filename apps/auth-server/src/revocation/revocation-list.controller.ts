import { Controller, Get, Header } from '@nestjs/common';
import { ClientTokenCutoffs } from '../token/client-token-cutoffs';
import { AccessTokenRecords } from '../token/stores/access-token-records';

/**
 * Every access token revoked and not yet expired, by `jti`, and in `clients` every client whose
 * tokens issued at or before `issued_through` are revoked (disabled or deleted): what a resource
 * server replica that starts late (or lost its broker connection) must refuse before it serves.
 * Revocations are pushed over the broker as they happen; this list is the catch-up. A `jti` is
 * a random identifier and a client id is public, neither a credential, so the list is public.
 */
@Controller()
export class RevocationListController {
  constructor(
    private readonly revocations: AccessTokenRecords,
    private readonly cutoffs: ClientTokenCutoffs,
  ) {}

  @Get('revocations')
  @Header('cache-control', 'no-store')
  async list() {
    const [revoked, clients] = await Promise.all([this.revocations.currentRevocations(), this.cutoffs.current()]);
    return {
      revocations: revoked.map((r) => ({ jti: r.jti, expires_at: Math.floor(r.expiresAt / 1000) })),
      clients: clients.map((c) => ({ client_id: c.clientId, issued_through: c.issuedThrough, expires_at: c.expiresAt })),
    };
  }
}
