import { Controller, Get, Header, Inject } from '@nestjs/common';
import { scopesForResource } from '@portcullis/scopes';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../config/mcp-server.config';

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728). Served at the path-specific well-known
 * URL of the MCP endpoint and at the root one. RFC 9728 §3.3: a document's `resource` must be
 * the identifier its well-known URL was built from, or clients discard it, so the root
 * document describes the server's origin, and the `/mcp` one the MCP endpoint (the audience
 * of our tokens). `offline_access` is the authorization server's business and stays out.
 */
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(@Inject(MCP_SERVER_CONFIG) private readonly config: McpServerConfig) {}

  @Get('mcp')
  @Header('cache-control', 'public, max-age=300')
  mcp() {
    return this.document(this.config.resource);
  }

  @Get()
  @Header('cache-control', 'public, max-age=300')
  root() {
    return this.document(this.config.origin);
  }

  private document(resource: string) {
    return {
      resource,
      authorization_servers: [this.config.issuer],
      scopes_supported: scopesForResource('mcp'),
      bearer_methods_supported: ['header'],
      resource_name: 'Portcullis financial sentiment MCP server',
    };
  }
}
