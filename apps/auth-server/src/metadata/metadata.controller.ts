import { Controller, Get, Header, Inject } from '@nestjs/common';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { authorizationServerMetadata } from './authorization-server-metadata';

/**
 * Discovery: RFC 8414 at `/.well-known/oauth-authorization-server`, and the same document at
 * the OpenID Connect discovery location, which MCP clients also try (MCP 2026-07-28,
 * "Authorization Server Metadata Discovery"). Cacheable and CORS-open.
 */
@Controller()
export class MetadataController {
  private readonly document: ReturnType<typeof authorizationServerMetadata>;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.document = authorizationServerMetadata(config.ISSUER_URL, true);
  }

  @Get('.well-known/oauth-authorization-server')
  @Header('cache-control', 'public, max-age=3600')
  oauthMetadata() {
    return this.document;
  }

  @Get('.well-known/openid-configuration')
  @Header('cache-control', 'public, max-age=3600')
  openidConfiguration() {
    return this.document;
  }
}
