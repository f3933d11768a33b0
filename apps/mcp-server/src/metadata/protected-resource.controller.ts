import { Controller, Get, Header, Inject, type Type } from '@nestjs/common';
import { scopesForResource } from '@portcullis/scopes';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../config/mcp-server.config';

const WELL_KNOWN = '.well-known/oauth-protected-resource';

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), served at the path-specific well-known URL
 * of the MCP endpoint (`/.well-known/oauth-protected-resource` + the resource's path, §3.1) and
 * at the root one. §3.3: a document's `resource` must be the identifier its well-known URL was
 * built from, or clients discard it, so the root document describes the server's origin and
 * the path-specific one the MCP endpoint (the audience of our tokens). `offline_access` is the
 * authorization server's business and stays out.
 */
export function protectedResourceController(mcpPath: string): Type<unknown> {
  @Controller()
  class ProtectedResourceController {
    constructor(@Inject(MCP_SERVER_CONFIG) private readonly config: McpServerConfig) {}

    @Get(`${WELL_KNOWN}${mcpPath}`)
    @Header('cache-control', 'public, max-age=300')
    mcp() {
      return this.document(this.config.resource);
    }

    @Get(WELL_KNOWN)
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
  return ProtectedResourceController;
}
