import { Controller, Get, Header, Inject } from '@nestjs/common';
import { adminResourceFor, scopesForResource } from '@portcullis/scopes';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of the admin API, at the path-specific
 * well-known URL of `${ISSUER_URL}/admin` (§3.1); §3.3: `resource` is exactly the identifier
 * the URL was built from. The authorization server is this server itself.
 */
@Controller()
export class AdminResourceMetadataController {
  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  @Get('.well-known/oauth-protected-resource/admin')
  @Header('cache-control', 'public, max-age=300')
  document() {
    return {
      resource: adminResourceFor(this.config.issuerUrl),
      authorization_servers: [this.config.issuerUrl],
      scopes_supported: scopesForResource('admin'),
      bearer_methods_supported: ['header'],
      resource_name: 'Portcullis admin API',
      resource_documentation: `${this.config.issuerUrl}/admin/openapi.json`,
    };
  }
}
