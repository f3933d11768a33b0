import { canonicalResource } from '@portcullis/oauth';
import { Scope } from '@portcullis/scopes';
import { CONSOLE_CLIENT_ID } from '../admin/console-client/console-client.loader';
import type { AuthConfig } from '../config/auth-config';
import type { ProtectedResource } from '../resources/resource-registry';

export interface ConsoleResourceConfig {
  name: 'audit' | 'admin';
  resource: string;
  scopes: string[];
}

/** GET /console/config.json: what the console needs to know, from this server's configuration. */
export interface ConsoleConfigDocument {
  issuer: string;
  client_id: string;
  redirect_uri: string;
  resources: ConsoleResourceConfig[];
}

/**
 * The console's runtime configuration: the issuer, its client, and the resources it takes
 * tokens for, one each (RFC 8707). The admin API is listed once this server knows it as a
 * resource (`<issuer>/admin`); the audit API is wherever AUDIT_RESOURCE_URL says.
 */
export function consoleConfig(config: Pick<AuthConfig, 'issuerUrl' | 'auditResourceUrl'>, resources: readonly ProtectedResource[]): ConsoleConfigDocument {
  const audit = canonicalResource(config.auditResourceUrl) ?? config.auditResourceUrl;
  const admin = canonicalResource(`${config.issuerUrl}/admin`);
  const adminResource = resources.find((r) => r.identifier === admin);
  return {
    issuer: config.issuerUrl,
    client_id: CONSOLE_CLIENT_ID,
    redirect_uri: `${config.issuerUrl}/console/callback`,
    resources: [
      { name: 'audit', resource: audit, scopes: [Scope.AuditRead] },
      ...(adminResource ? [{ name: 'admin' as const, resource: adminResource.identifier, scopes: [...adminResource.scopes] }] : []),
    ],
  };
}
