import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, MoreThan, Repository } from 'typeorm';
import { EventType } from '@portcullis/contracts';
import { AuditTrail, numericDate } from '../audit/audit-trail';
import { CLIENT_CACHE_TTL_MS } from '../clients/clients.service';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { ClientTokenCutoffEntity } from './client-token-cutoff.entity';

/** Beyond a covered token's `exp`: resource servers accept a token a few seconds late (clock tolerance). */
const EXPIRY_MARGIN_MS = 60_000;

export type CutoffReason = 'client_disabled' | 'client_deleted';

/** A client's cutoff as the catch-up list and the events name it (NumericDates). */
export interface ClientCutoff {
  clientId: string;
  issuedThrough: number;
  expiresAt: number;
}

/**
 * Client-wide revocation: "every access token of client X with `iat` at or before T is
 * revoked", for a client that is disabled or deleted (RFC 7592 §2.3: its credentials must stop
 * working). It covers the tokens that are never recorded one by one — client_credentials, the
 * speed-critical path, writes nothing per token — as well as the recorded ones. Announced like
 * every revocation (auth.token.revoked, with `issued_through`), listed by `/revocations` for a
 * resource server that starts late, and kept until the last token it covers has expired.
 *
 * T is the change's second plus the client cache window (CLIENT_CACHE_TTL_MS): another replica
 * may issue from its cached copy of the client for that long after the change, and those tokens
 * must die too. Since `iat` has whole seconds and the comparison is "at or before", a token
 * minted in T's own second is refused; so a client enabled again (or an id registered again)
 * must not be issued anything before T + 1 (see {@link waitUntilPast}).
 */
@Injectable()
export class ClientTokenCutoffs {
  constructor(
    @InjectRepository(ClientTokenCutoffEntity) private readonly rows: Repository<ClientTokenCutoffEntity>,
    private readonly audit: AuditTrail,
    @Inject(AUTH_CONFIG) private readonly config: Pick<AuthConfig, 'accessTokenTtl'>,
  ) {}

  /**
   * Revokes every token of `clientId` issued so far (and within the cache window), with its
   * auth.token.revoked event; in `manager`'s transaction when given, so the cutoff exists if
   * and only if the change that caused it was committed.
   */
  async cutOff(clientId: string, reason: CutoffReason, manager?: EntityManager, now = Date.now()): Promise<ClientCutoff> {
    const issuedThrough = numericDate(now + CLIENT_CACHE_TTL_MS);
    // The last token it covers was issued in second T and lives accessTokenTtl seconds.
    const expiresAt = (issuedThrough + 1 + this.config.accessTokenTtl) * 1000 + EXPIRY_MARGIN_MS;
    const work = async (tx: EntityManager) => {
      const held = await tx.findOne(ClientTokenCutoffEntity, { where: { clientId } });
      // Cutoffs only grow: a shorter one would bring tokens back to life.
      const row = { clientId, issuedThrough: Math.max(issuedThrough, held?.issuedThrough ?? 0), expiresAt: Math.max(expiresAt, held?.expiresAt ?? 0) };
      // An upsert: two changes of one client at once (disabled and deleted) never collide on the key.
      await tx.upsert(ClientTokenCutoffEntity, row, ['clientId']);
      await this.audit.recordIn(tx, [
        {
          type: EventType.TokenRevoked,
          subject: clientId,
          data: { client_id: clientId, jtis: [], issued_through: row.issuedThrough, reason, expires_at: numericDate(row.expiresAt) },
        },
      ]);
      return { clientId, issuedThrough: row.issuedThrough, expiresAt: numericDate(row.expiresAt) };
    };
    return manager ? work(manager) : this.rows.manager.transaction(work);
  }

  /** Whether a token of `clientId` issued at `issuedAt` (its `iat`) is revoked by a cutoff (introspection, the admin API). */
  async covers(clientId: string, issuedAt: number, now = Date.now()): Promise<boolean> {
    const row = await this.rows.findOne({ where: { clientId } });
    return !!row && row.expiresAt > now && issuedAt <= row.issuedThrough;
  }

  /** The cutoffs still in force: what a resource server starting now must apply. */
  async current(now = Date.now()): Promise<ClientCutoff[]> {
    const rows = await this.rows.find({ where: { expiresAt: MoreThan(now) } });
    return rows.map((r) => ({ clientId: r.clientId, issuedThrough: r.issuedThrough, expiresAt: numericDate(r.expiresAt) }));
  }

  /**
   * Resolves once a token minted now for `clientId` would be issued after its cutoff (at most
   * the cache window and a second): called before a client is enabled again, so that the first
   * tokens it gets are not refused by the cutoff of its own disabling.
   */
  async waitUntilPast(clientId: string): Promise<void> {
    const row = await this.rows.findOne({ where: { clientId } });
    if (!row) return;
    // Bounded by the window the cutoff was set with, even if another replica's clock ran ahead.
    const wait = Math.min((row.issuedThrough + 1) * 1000 - Date.now(), CLIENT_CACHE_TTL_MS + 1000);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
