import { ResourceKind } from './scope-catalogue';

/**
 * The protected resources of a default deployment (ARCHITECTURE.md, "Public contract").
 * Deployments override the identifiers through configuration; the kinds stay.
 */
export const DEFAULT_RESOURCES: Readonly<Record<Exclude<ResourceKind, 'authorization-server' | 'admin'>, string>> = {
  mcp: 'http://localhost:3000/mcp',
  audit: 'http://localhost:3100/audit',
};

export const DEFAULT_ISSUER = 'http://localhost:9000';

/** The admin API's resource identifier (RFC 8707): served by the authorization server itself. */
export function adminResourceFor(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/admin`;
}
