import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { UpstreamRegistry } from '../upstreams/upstream-registry';

const WELL_KNOWN = '.well-known/oauth-protected-resource';

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of each upstream, at the path-specific
 * well-known URL of its endpoint (`/.well-known/oauth-protected-resource/<name>/mcp`, §3.1),
 * whose `resource` is that endpoint (§3.3: clients discard a document whose `resource` is not
 * the identifier its URL was built from). The root document describes the gateway's origin.
 * Scopes are the upstream's own; `offline_access` is the authorization server's business.
 */
@Controller(WELL_KNOWN)
export class ProtectedResourceController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(UpstreamRegistry) private readonly upstreams: UpstreamRegistry,
  ) {}

  @Get(':upstream/mcp')
  @Header('cache-control', 'public, max-age=300')
  upstream(@Param('upstream') name: string) {
    const { declaration } = this.upstreams.get(name);
    return {
      resource: declaration.resource,
      authorization_servers: [this.config.issuer],
      scopes_supported: declaration.scopes.map((s) => s.name),
      bearer_methods_supported: ['header'],
      resource_name: declaration.title ?? `${declaration.name} (through the Portcullis MCP gateway)`,
    };
  }

  @Get()
  @Header('cache-control', 'public, max-age=300')
  root() {
    return {
      resource: this.config.publicUrl,
      authorization_servers: [this.config.issuer],
      scopes_supported: [...new Set(this.upstreams.all().flatMap((u) => u.declaration.scopes.map((s) => s.name)))],
      bearer_methods_supported: ['header'],
      resource_name: 'Portcullis MCP gateway',
    };
  }
}
