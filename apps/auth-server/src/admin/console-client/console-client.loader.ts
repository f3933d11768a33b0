import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Scope } from '@portcullis/scopes';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { ClientRegistrar } from '../../clients/client-registrar';
import { validateClientMetadata } from '../../clients/metadata/client-metadata.validator';

export const CONSOLE_CLIENT_ID = 'portcullis-console';

/** What the console may ask for: the admin API and the audit API, with refresh tokens. */
export const CONSOLE_SCOPES = [Scope.AdminRead, Scope.AdminWrite, Scope.AuditRead, Scope.OfflineAccess];

/**
 * The console's own client (apps/console, served at /console): public (a browser app keeps
 * no secret, OAuth 2.1 §2.1), PKCE, trusted so it may ask for the privileged admin and audit
 * scopes — which still go only to people with the admin role. Created at every start if
 * missing and brought back to this shape if changed; an operator's disabling is kept.
 */
@Injectable()
export class ConsoleClientLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('clients');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly registrar: ClientRegistrar,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const metadata = validateClientMetadata(
      {
        client_name: 'Portcullis console',
        redirect_uris: [`${this.config.issuerUrl}/console/callback`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: CONSOLE_SCOPES.join(' '),
      },
      { source: 'preregistered', trusted: true },
    );
    if (await this.registrar.upsertPreregistered({ clientId: CONSOLE_CLIENT_ID, metadata, secretHash: null })) {
      this.logger.log(`created the console's client ${CONSOLE_CLIENT_ID}`);
    }
  }
}
