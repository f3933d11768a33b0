import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { queryNumbered } from '@portcullis/database';
import { parseScope } from '@portcullis/oauth';
import { ConsentEntity } from '../authorize/interaction/consent.entity';
import { ClientsService } from '../clients/clients.service';
import { ScopeDirectory } from '../resources/scope-directory';
import { GrantEntity } from '../token/grant.entity';
import { GrantRevocation, TokenStore } from '../token/stores/token-store';
import type { GrantRevocationActor } from '../token/token-events';

export type { GrantRevocationActor } from '../token/token-events';

/** One application a person connected: a live grant, as the account page and the admin API show it. */
export interface GrantSummary {
  grantId: string;
  clientId: string;
  /** The client's name (self-asserted, as on the consent page); absent when it has none or is gone. */
  clientName?: string;
  /** Each granted scope with the text the consent page showed for it (absent for an unknown scope). */
  scopes: { name: string; description?: string }[];
  /** The protected resource (RFC 8707) the grant's tokens are for. */
  resource: string;
  /** When the person approved it (the grant was created), milliseconds since the epoch. */
  approvedAt: number;
  /** When it last produced a token (code exchange, refresh), to the minute; null: never. */
  lastUsedAt: number | null;
}

/** The most grants listed for one person: a cap on the page, not a limit on grants. */
export const MAX_LISTED_GRANTS = 500;

/** Grant ids are UUIDs (grant.entity.ts); anything else names no grant. */
const GRANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface GrantRow {
  id: string;
  client_id: string;
  resource: string;
  scope: string;
  created_at: string | number;
  last_used_at: string | number | null;
}

/**
 * A person's grants: what the account page lists and revokes, and what the admin API shows
 * an operator. A grant is listed while something of it can still be used — a code not yet
 * exchanged, a refresh token or an access token not expired nor revoked (the same test the
 * purge uses to let a family go, token.purges.ts), so an approval that has run out does not
 * linger on the page. Revoking goes through TokenStore.revokeGrants, the path RFC 7009
 * revocation, refresh-reuse detection and client deletion take: the grant, its refresh tokens
 * and its live access tokens, with auth.grant.revoked and auth.token.revoked (the `jti`s every
 * resource server then refuses) written in the same transaction.
 */
@Injectable()
export class GrantsService {
  private readonly logger = new Logger('grants');

  constructor(
    private readonly db: DataSource,
    private readonly tokens: TokenStore,
    private readonly clients: ClientsService,
    private readonly scopes: ScopeDirectory,
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    @InjectRepository(ConsentEntity) private readonly consents: Repository<ConsentEntity>,
  ) {}

  /** The person's live grants, newest first. */
  async listForSubject(subject: string, now = Date.now()): Promise<GrantSummary[]> {
    if (subject.length === 0 || subject.length > 36) return [];
    const rows = await queryNumbered<GrantRow>(this.db, LIVE_GRANTS_OF_USER, [subject, now, MAX_LISTED_GRANTS]);
    const names = await this.clientNames(new Set(rows.map((r) => r.client_id)));
    return rows.map((row) => ({
      grantId: row.id,
      clientId: row.client_id,
      ...(names.get(row.client_id) ? { clientName: names.get(row.client_id) } : {}),
      scopes: (parseScope(row.scope) ?? []).map((name) => {
        const description = this.scopes.find(name)?.description;
        return description ? { name, description } : { name };
      }),
      resource: row.resource,
      approvedAt: Number(row.created_at),
      lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    }));
  }

  /**
   * Revokes one grant: the grant, its refresh tokens, its live access tokens (pushed to the
   * resource servers), and the remembered consent for that client and resource, so the next
   * authorization asks the person again. With `subject`, only that person's grant: another
   * person's id is treated as unknown. Null when there is no such live grant (unknown, someone
   * else's, already revoked).
   */
  async revoke(grantId: string, actor: GrantRevocationActor, options: { subject?: string } = {}): Promise<{ revokedJtis: number } | null> {
    if (!GRANT_ID.test(grantId)) return null;
    const grant = await this.grants.findOne({ where: { id: grantId } });
    if (!grant || grant.revokedAt !== null) return null;
    if (options.subject !== undefined && grant.userId !== options.subject) return null;
    const [ended] = await this.revokeAll([grant], actor);
    return ended ? { revokedJtis: ended.accessTokens.length } : null;
  }

  /**
   * Revokes these grants in one transaction (TokenStore.revokeGrants), each as `revoke` does:
   * its refresh and live access tokens, auth.grant.revoked naming `actor`, auth.token.revoked
   * with the `jti`s resource servers then refuse. Then forgets the consents behind the grants
   * this call ended, in one statement. Returns those it ended: a grant a concurrent revocation
   * got to first was announced by that one, and is left out.
   */
  async revokeAll(grants: readonly GrantEntity[], actor: GrantRevocationActor): Promise<GrantRevocation[]> {
    const revocations = await this.tokens.revokeGrants(
      grants.map((grant) => ({
        grantId: grant.id,
        cause: { clientId: grant.clientId, subject: grant.userId, reason: 'admin', actor, scopes: parseScope(grant.scope) ?? [] },
      })),
    );
    const ended = grants.filter((_, i) => revocations[i].withdrawn);
    if (ended.length > 0) await this.consents.delete(ended.map((g) => ({ userId: g.userId, clientId: g.clientId, resource: g.resource })));
    return revocations.filter((r) => r.withdrawn);
  }

  /** Client names for display; a client that cannot be looked up (gone, unreachable document) shows its id. */
  private async clientNames(clientIds: Set<string>): Promise<Map<string, string | undefined>> {
    const names = new Map<string, string | undefined>();
    for (const clientId of clientIds) {
      try {
        names.set(clientId, (await this.clients.find(clientId))?.clientName ?? undefined);
      } catch (err) {
        this.logger.warn(`client name of ${clientId.slice(0, 255)} unavailable: ${(err as Error).message}`);
      }
    }
    return names;
  }
}

/**
 * $1 the person, $2 now, $3 the cap. Uses grants_user; the probes use each table's grant index.
 * The last use: last_used_at, or before any refresh stamped it, when the code was exchanged (a
 * code spent without issuing leaves nothing live, so such a grant is not listed).
 */
const LIVE_GRANTS_OF_USER = `SELECT g."id", g."client_id", g."resource", g."scope", g."created_at",
    COALESCE(g."last_used_at", (SELECT MAX(c."consumed_at") FROM "authorization_codes" c WHERE c."grant_id" = g."id")) AS "last_used_at"
  FROM "grants" g
  WHERE g."user_id" = $1 AND g."revoked_at" IS NULL AND (
    EXISTS (SELECT 1 FROM "authorization_codes" c WHERE c."grant_id" = g."id" AND c."consumed_at" IS NULL AND c."expires_at" > $2)
    OR EXISTS (SELECT 1 FROM "refresh_tokens" r WHERE r."grant_id" = g."id" AND r."revoked_at" IS NULL AND r."expires_at" > $2)
    OR EXISTS (SELECT 1 FROM "access_tokens" a WHERE a."grant_id" = g."id" AND a."revoked_at" IS NULL AND a."expires_at" > $2)
  )
  ORDER BY g."created_at" DESC, g."id"
  LIMIT $3`;
