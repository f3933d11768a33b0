import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import * as oauth from 'oauth4webapi';
import { secretsEqual, sha256Base64Url } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import type { OidcConnection } from '../config/oidc-connections';
import { InteractionEntity } from '../authorize/interaction/interaction.entity';
import { InteractionService } from '../authorize/interaction/interaction.service';
import { FederatedUsersService } from '../users/federated-users.service';
import { UserEntity } from '../users/user.entity';
import { FederatedLoginAttemptEntity } from './federated-login-attempt.entity';
import { FederatedLoginFailure } from './federated-login-failure';
import { UpstreamProvider, UpstreamProviders, UpstreamUnreachable } from './upstream-providers';
import { vouchedPerson } from './vouched-claims';

/** The longest `state` we look up: ours are 43 characters, anything far longer is not ours. */
const MAX_STATE = 128;

/**
 * Sign-in through an upstream OpenID Provider: the authorization code flow with PKCE, state and
 * nonce (OIDC Core §3.1), validated by oauth4webapi. What the callback must match is kept
 * server-side, bound to the interaction and the browser, and used once.
 */
@Injectable()
export class FederatedLoginService {
  private readonly logger = new Logger('federation');

  constructor(
    @InjectRepository(FederatedLoginAttemptEntity) private readonly attempts: Repository<FederatedLoginAttemptEntity>,
    private readonly providers: UpstreamProviders,
    private readonly interactions: InteractionService,
    private readonly users: FederatedUsersService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** The URL of the provider's authorization endpoint for this interaction. */
  async start(connection: OidcConnection, interaction: InteractionEntity, browserId: string): Promise<string> {
    const provider = await this.reach(connection, interaction);
    if (!provider.as.authorization_endpoint) throw new FederatedLoginFailure('idp_unreachable', undefined, interaction.id, interaction.clientId);
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    await this.attempts.insert({
      stateHash: sha256Base64Url(state),
      connectionId: connection.id,
      interactionId: interaction.id,
      browserBindingHash: sha256Base64Url(browserId),
      nonce,
      codeVerifier,
      // No longer than the interaction it belongs to.
      expiresAt: Math.min(interaction.expiresAt, Date.now() + this.config.interactionTtl * 1000),
    });
    const url = new URL(provider.as.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: connection.clientId,
      redirect_uri: provider.redirectUri,
      scope: connection.scopes,
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      // OIDC Core §3.1.2.1: a client asking us for a fresh login gets a fresh login upstream too.
      ...(interaction.prompt === 'login' ? { prompt: 'login' } : {}),
    }).toString();
    return url.toString();
  }

  /**
   * The callback: the attempt it answers (consumed first, so a replay finds nothing), then
   * the response checks, the code exchange and the ID token, then the local user.
   */
  async finish(connection: OidcConnection, callback: URL, browserId: string | undefined): Promise<{ interaction: InteractionEntity; user: UserEntity; created: boolean }> {
    const state = callback.searchParams.get('state');
    if (!state || state.length > MAX_STATE) throw new FederatedLoginFailure('unknown_state');
    const attempt = await this.consume(state);
    // A state issued for another connection is a mix-up (RFC 9700 §4.4): refused like an unknown one.
    if (!attempt || attempt.connectionId !== connection.id) throw new FederatedLoginFailure('unknown_state');
    if (!browserId || !secretsEqual(sha256Base64Url(browserId), attempt.browserBindingHash)) throw new FederatedLoginFailure('browser_mismatch');
    const interaction = await this.interactions.load(attempt.interactionId, browserId);
    if (!interaction) throw new FederatedLoginFailure('interaction_expired');
    const fail = (reason: ConstructorParameters<typeof FederatedLoginFailure>[0], error?: string) => new FederatedLoginFailure(reason, error, interaction.id, interaction.clientId);
    const provider = await this.reach(connection, interaction);
    let parameters: URLSearchParams;
    try {
      // RFC 9207: `iss` must be the provider's when it advertises the parameter (and when sent).
      parameters = oauth.validateAuthResponse(provider.as, provider.client, callback.searchParams, state);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) throw fail('idp_error', err.error.slice(0, 64) || undefined);
      this.logger.warn(`${connection.id}: authorization response refused: ${(err as Error).message}`);
      throw fail('invalid_response');
    }
    const claims = await this.exchange(provider, parameters, attempt, interaction);
    const person = vouchedPerson(connection, provider.as.issuer, claims);
    if ('refused' in person) throw fail(person.refused);
    const { user, created } = await this.users.signIn(person);
    return { interaction, user, created };
  }

  /** Token request and ID token checks (OIDC Core §3.1.3.5–3.1.3.7): nonce, aud, iss, exp, signature. */
  private async exchange(provider: UpstreamProvider, parameters: URLSearchParams, attempt: FederatedLoginAttemptEntity, interaction: InteractionEntity): Promise<oauth.IDToken> {
    const { as, client, clientAuth, redirectUri, connection } = provider;
    let response: Response;
    try {
      response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, parameters, redirectUri, attempt.codeVerifier, provider.requestOptions());
    } catch (err) {
      this.logger.warn(`${connection.id}: token endpoint unreachable: ${(err as Error).message}`);
      throw new FederatedLoginFailure('idp_unreachable', undefined, interaction.id, interaction.clientId);
    }
    try {
      const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: attempt.nonce, requireIdToken: true });
      // Over http in development there is no TLS to vouch for the token: the signature always is checked.
      await oauth.validateApplicationLevelSignature(as, response, provider.requestOptions());
      const claims = oauth.getValidatedIdTokenClaims(result);
      if (!claims) throw new Error('no ID token');
      return claims;
    } catch (err) {
      const error = err instanceof oauth.ResponseBodyError ? err.error.slice(0, 64) || undefined : undefined;
      this.logger.warn(`${connection.id}: token response refused: ${error ?? (err as Error).message}`);
      throw new FederatedLoginFailure('invalid_response', error, interaction.id, interaction.clientId);
    }
  }

  private async reach(connection: OidcConnection, interaction?: InteractionEntity): Promise<UpstreamProvider> {
    try {
      return await this.providers.provider(connection);
    } catch (err) {
      if (!(err instanceof UpstreamUnreachable)) throw err;
      this.logger.warn(`${connection.id}: ${err.message}`);
      throw new FederatedLoginFailure('idp_unreachable', undefined, interaction?.id, interaction?.clientId);
    }
  }

  /** The attempt for this state, deleted in the same step: only one caller can get it. */
  private async consume(state: string): Promise<FederatedLoginAttemptEntity | undefined> {
    const stateHash = sha256Base64Url(state);
    const attempt = await this.attempts.findOne({ where: { stateHash } });
    if (!attempt) return undefined;
    const { affected } = await this.attempts.delete({ stateHash });
    if (!affected || attempt.expiresAt <= Date.now()) return undefined;
    return attempt;
  }
}
