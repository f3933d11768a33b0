import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { authorizationResponseUrl, formatScope, parseScope, secretsEqual, sha256Base64Url } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { AuthorizationRequest } from '../authorization-request.validator';
import { isClientIdentityAssured } from '../client-identity';
import { ClientsService } from '../../clients/clients.service';
import { TokenStore } from '../../token/stores/token-store';
import { EventType } from '@portcullis/contracts';
import { AuditEvent, AuditTrail, numericDate } from '../../audit/audit-trail';
import { AuthMetrics } from '../../audit/auth-metrics';
import { InteractionEntity } from './interaction.entity';
import { SessionEntity } from './session.entity';
import { ConsentEntity } from './consent.entity';
import { UsersService } from '../../users/users.service';
import { roleForScope, scopeBeyondRoles } from '@portcullis/scopes';

export type NextStep =
  | { kind: 'login' }
  | { kind: 'consent' }
  | { kind: 'redirect'; url: string };

/**
 * The person's part of the authorization code flow: a validated request waits as an
 * interaction until the person has logged in and consented (or consent is remembered), then
 * ends in exactly one redirect to the client, with a code or an error, `state` and `iss`.
 */
@Injectable()
export class InteractionService {
  constructor(
    @InjectRepository(InteractionEntity) private readonly interactions: Repository<InteractionEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectRepository(ConsentEntity) private readonly consents: Repository<ConsentEntity>,
    private readonly tokens: TokenStore,
    private readonly clients: ClientsService,
    private readonly audit: AuditTrail,
    private readonly metrics: AuthMetrics,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersService,
  ) {}

  async start(request: AuthorizationRequest, browserId: string, sessionUserId: string | undefined): Promise<InteractionEntity> {
    const now = Date.now();
    const interaction = this.interactions.create({
      id: randomBytes(24).toString('base64url'),
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      redirectUriGiven: request.redirectUriGiven,
      state: request.state ?? null,
      scope: formatScope(request.scopes),
      resource: request.resource,
      codeChallenge: request.codeChallenge,
      prompt: request.prompt ?? null,
      csrfToken: randomBytes(24).toString('base64url'),
      browserBindingHash: sha256Base64Url(browserId),
      // prompt=login (OIDC Core §3.1.2.1) asks for a fresh login even with a session.
      userId: request.prompt === 'login' ? null : (sessionUserId ?? null),
      expiresAt: now + this.config.interactionTtl * 1000,
    });
    return this.interactions.save(interaction);
  }

  /** The interaction, if it exists, has not expired and belongs to this browser. */
  async load(id: string, browserId: string | undefined): Promise<InteractionEntity | undefined> {
    if (!browserId || !/^[\w-]{16,64}$/.test(id)) return undefined;
    const interaction = await this.interactions.findOne({ where: { id } });
    if (!interaction || interaction.expiresAt <= Date.now()) return undefined;
    if (!secretsEqual(sha256Base64Url(browserId), interaction.browserBindingHash)) return undefined;
    return interaction;
  }

  checkCsrf(interaction: InteractionEntity, presented: unknown): boolean {
    return typeof presented === 'string' && secretsEqual(presented, interaction.csrfToken);
  }

  /** What the person must do next, or the final redirect if nothing is left to ask. */
  async next(interaction: InteractionEntity): Promise<NextStep> {
    const prompt = interaction.prompt;
    if (!interaction.userId) {
      if (prompt === 'none') return { kind: 'redirect', url: await this.finishWithError(interaction, 'login_required', 'the user is not logged in') };
      return { kind: 'login' };
    }
    const person = await this.personProblem(interaction);
    if (person === 'signed_out') {
      // A session of a person disabled meanwhile counts for nothing.
      await this.attachUser(interaction, null);
      return this.next(interaction);
    }
    if (person) return { kind: 'redirect', url: await this.finishWithError(interaction, 'invalid_scope', person) };
    // RFC 8252 §8.6: a client whose identity cannot be assured is asked every time, as if
    // nothing had been approved before; prompt=none then gets consent_required.
    const assured = await this.identityAssured(interaction);
    const remembered = prompt !== 'consent' && assured && (await this.hasConsent(interaction));
    if (remembered) return { kind: 'redirect', url: await this.approve(interaction, false) };
    if (prompt === 'none') {
      const why = assured ? 'consent is required' : "consent is required: this client's identity cannot be assured (RFC 8252 §8.6)";
      return { kind: 'redirect', url: await this.finishWithError(interaction, 'consent_required', why) };
    }
    return { kind: 'consent' };
  }

  private async identityAssured(interaction: InteractionEntity): Promise<boolean> {
    const client = await this.clients.find(interaction.clientId);
    return client !== undefined && isClientIdentityAssured(client, interaction.redirectUri);
  }

  /**
   * Whether the signed-in person may hold what is asked: a disabled (or vanished) account is
   * signed out; a scope that names a role the person lacks (admin:read) is refused, naming it.
   */
  private async personProblem(interaction: InteractionEntity): Promise<string | 'signed_out' | undefined> {
    const user = await this.users.findById(interaction.userId as string);
    if (!user || user.disabledAt) return 'signed_out';
    const beyond = scopeBeyondRoles(parseScope(interaction.scope) ?? [], user.roles);
    return beyond ? `scope '${beyond}' is only for people with the ${roleForScope(beyond)} role` : undefined;
  }

  async attachUser(interaction: InteractionEntity, userId: string | null): Promise<void> {
    interaction.userId = userId;
    await this.interactions.update({ id: interaction.id }, { userId });
  }

  /** Issues the code (and remembers consent when the person just gave it). */
  async approve(interaction: InteractionEntity, consentGiven: boolean): Promise<string> {
    const userId = interaction.userId as string;
    // Checked again as the code is issued: the person may have been demoted or disabled since the consent page.
    const person = await this.personProblem(interaction);
    if (person) return this.finishWithError(interaction, person === 'signed_out' ? 'access_denied' : 'invalid_scope', person === 'signed_out' ? 'the account is disabled' : person);
    const scopes = parseScope(interaction.scope) ?? [];
    if (consentGiven) await this.rememberConsent(userId, interaction.clientId, interaction.resource, scopes);
    await this.interactions.delete({ id: interaction.id });
    const expiresAt = Date.now() + this.config.authorizationCodeTtl * 1000;
    // Recorded with the code, in its transaction: the consent (when just given) and the code.
    const about = { subject: userId, client_id: interaction.clientId, scopes, resource: interaction.resource };
    const events: AuditEvent[] = [
      ...(consentGiven ? [{ type: EventType.ConsentGranted, subject: userId, data: about } as const] : []),
      {
        type: EventType.CodeIssued,
        subject: userId,
        data: { ...about, redirect_uri: interaction.redirectUri, pkce_method: 'S256', expires_at: numericDate(expiresAt) },
      },
    ];
    const { code } = await this.tokens.issueCode(
      {
        userId,
        clientId: interaction.clientId,
        resource: interaction.resource,
        scopes,
        redirectUri: interaction.redirectUri,
        redirectUriGiven: interaction.redirectUriGiven,
        codeChallenge: interaction.codeChallenge,
        expiresAt,
      },
      events,
    );
    return authorizationResponseUrl(interaction.redirectUri, this.config.issuerUrl, { code, state: interaction.state ?? undefined });
  }

  async deny(interaction: InteractionEntity): Promise<string> {
    const userId = interaction.userId as string;
    await this.audit.record({
      type: EventType.ConsentDenied,
      subject: userId,
      data: { subject: userId, client_id: interaction.clientId, scopes: parseScope(interaction.scope) ?? [], resource: interaction.resource },
    });
    return this.finishWithError(interaction, 'access_denied', 'the user denied the request');
  }

  private async finishWithError(interaction: InteractionEntity, error: string, description: string): Promise<string> {
    this.metrics.authorizationDenied(error);
    await this.interactions.delete({ id: interaction.id });
    await this.audit.record({
      type: EventType.AuthorizationDenied,
      ...(interaction.userId ? { subject: interaction.userId } : {}),
      data: {
        client_id: interaction.clientId,
        ...(interaction.userId ? { subject: interaction.userId } : {}),
        error,
        error_description: description,
        redirect_uri: interaction.redirectUri,
        resource: interaction.resource,
      },
    });
    return authorizationResponseUrl(interaction.redirectUri, this.config.issuerUrl, {
      error,
      error_description: description,
      state: interaction.state ?? undefined,
    });
  }

  /** Scopes the person already approved for this client at this resource. */
  async consentedScopes(interaction: InteractionEntity): Promise<Set<string>> {
    if (!interaction.userId) return new Set();
    const consent = await this.consents.findOne({
      where: { userId: interaction.userId, clientId: interaction.clientId, resource: interaction.resource },
    });
    return new Set(consent ? (parseScope(consent.scope) ?? []) : []);
  }

  private async hasConsent(interaction: InteractionEntity): Promise<boolean> {
    const granted = await this.consentedScopes(interaction);
    return (parseScope(interaction.scope) ?? []).every((s) => granted.has(s));
  }

  private async rememberConsent(userId: string, clientId: string, resource: string, scopes: string[]): Promise<void> {
    const existing = await this.consents.findOne({ where: { userId, clientId, resource } });
    if (existing) {
      const merged = new Set([...(parseScope(existing.scope) ?? []), ...scopes]);
      await this.consents.update({ id: existing.id }, { scope: formatScope(merged), updatedAt: Date.now() });
    } else {
      await this.consents.insert({ id: randomUUID(), userId, clientId, resource, scope: formatScope(scopes), updatedAt: Date.now() });
    }
  }

  async createSession(userId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.sessions.insert({ idHash: sha256Base64Url(id), userId, expiresAt: Date.now() + this.config.sessionTtl * 1000 });
    return id;
  }

  /** Signs the browser out: its session is gone (the cookie alone no longer names anyone). */
  async endSession(sessionId: string): Promise<void> {
    await this.sessions.delete({ idHash: sha256Base64Url(sessionId) });
  }

  async sessionUser(sessionId: string | undefined): Promise<string | undefined> {
    if (!sessionId) return undefined;
    const session = await this.sessions.findOne({ where: { idHash: sha256Base64Url(sessionId) } });
    return session && session.expiresAt > Date.now() ? session.userId : undefined;
  }
}
