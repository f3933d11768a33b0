import { Controller, Get, Inject } from '@nestjs/common';
import { Scope } from '@portcullis/scopes';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit-config';

/**
 * RFC 9728 protected resource metadata for the query API, at the path-suffixed location
 * (§3.1: /.well-known/oauth-protected-resource + the resource's path) and at the root, each
 * naming the resource it describes.
 */
@Controller('.well-known')
export class ProtectedResourceMetadataController {
  constructor(@Inject(AUDIT_CONFIG) private readonly config: AuditConfig) {}

  @Get('oauth-protected-resource/audit')
  forQueryApi() {
    return this.document();
  }

  @Get('oauth-protected-resource')
  atRoot() {
    return this.document();
  }

  private document() {
    return {
      resource: this.config.resourceUrl,
      authorization_servers: [this.config.issuerUrl],
      scopes_supported: [Scope.AuditRead],
      bearer_methods_supported: ['header'],
      resource_name: 'Portcullis audit API',
    };
  }
}

export function resourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname === '/' ? '' : url.pathname}`;
}
