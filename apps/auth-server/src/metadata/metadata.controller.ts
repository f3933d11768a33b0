import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HTML_SECURITY_HEADERS } from '@portcullis/http';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { ScopeDirectory } from '../resources/scope-directory';
import { authorizationServerMetadata } from './authorization-server-metadata';
import { renderServiceDocumentation } from './service-documentation.view';

/**
 * Discovery: RFC 8414 at `/.well-known/oauth-authorization-server`, and the same document at
 * the OpenID Connect discovery location, which MCP clients also try (MCP 2026-07-28,
 * "Authorization Server Metadata Discovery"). Cacheable and CORS-open.
 */
@Controller()
export class MetadataController {
  private readonly document: ReturnType<typeof authorizationServerMetadata>;
  private readonly documentation: string;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig, scopes: ScopeDirectory) {
    const { enterprise_idps: idps, workload_issuers: workloads } = config.trustedIssuersFile;
    const assertionGrants = { jwtBearer: idps.length + workloads.length > 0, idJag: idps.length > 0 };
    this.document = authorizationServerMetadata(config.issuerUrl, true, assertionGrants, scopes.names());
    this.documentation = renderServiceDocumentation(config.issuerUrl);
  }

  /** `service_documentation`: a page for people, at the issuer URL itself. */
  @Get()
  serviceDocumentation(@Res() reply: FastifyReply): void {
    reply.headers(HTML_SECURITY_HEADERS).type('text/html; charset=utf-8').send(this.documentation);
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
