import { Inject, Injectable } from '@nestjs/common';
import type { GatewayFile } from '@portcullis/gateway-config';
import { canonicalResource, InvalidRequest, InvalidTarget } from '@portcullis/oauth';
import { adminResourceFor, isPrivilegedScope, ResourceKind, scopesForResource } from '@portcullis/scopes';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';

export interface ProtectedResource {
  /** Canonical resource identifier (RFC 8707 §2); the `aud` of its access tokens. */
  identifier: string;
  /** `gateway`: an upstream MCP server behind the MCP gateway, declared in its file. */
  kind: Exclude<ResourceKind, 'authorization-server'> | 'gateway';
  /** Scopes this resource accepts (from the shared scope catalogue, or the gateway file). */
  scopes: readonly string[];
  /** Those of its scopes only trusted clients may hold (the catalogue's or the file's say). */
  privilegedScopes: readonly string[];
}

/** A built-in resource with its scopes from the catalogue. */
function builtInResource(identifier: string, kind: 'mcp' | 'audit' | 'admin'): ProtectedResource {
  const scopes = scopesForResource(kind);
  return { identifier, kind, scopes, privilegedScopes: scopes.filter(isPrivilegedScope) };
}

/**
 * Each upstream of the gateway file as a resource with its declared scopes (their descriptions
 * are the scope directory's, scope-directory.ts).
 */
function gatewayResources(file: GatewayFile | undefined): ProtectedResource[] {
  if (!file) return [];
  return file.upstreams.map((u) => ({
    identifier: u.resource,
    kind: 'gateway',
    scopes: u.scopes.map((s) => s.name),
    privilegedScopes: u.scopes.filter((s) => s.privileged).map((s) => s.name),
  }));
}

/** The protected resources this server issues tokens for. A token is for exactly one. */
@Injectable()
export class ResourceRegistry {
  private readonly byIdentifier: Map<string, ProtectedResource>;
  readonly defaultResource: ProtectedResource;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    const entries: ProtectedResource[] = [
      builtInResource(canonicalResource(config.mcpResourceUrl) as string, 'mcp'),
      builtInResource(canonicalResource(config.auditResourceUrl) as string, 'audit'),
      // The admin API, served by this server itself (admin/).
      builtInResource(canonicalResource(adminResourceFor(config.issuerUrl)) as string, 'admin'),
      ...gatewayResources(config.gatewayConfigFile),
    ];
    this.byIdentifier = new Map(entries.map((r) => [r.identifier, r]));
    const fallback = canonicalResource(config.defaultResource ?? config.mcpResourceUrl);
    this.defaultResource = this.byIdentifier.get(fallback ?? '') ?? entries[0];
  }

  /** The admin API's resource (RFC 8707 identifier `${ISSUER_URL}/admin`). */
  get admin(): ProtectedResource {
    return this.all().find((r) => r.kind === 'admin') as ProtectedResource;
  }

  all(): ProtectedResource[] {
    return [...this.byIdentifier.values()];
  }

  /**
   * Resolves a `resource` parameter (RFC 8707 §2). Absent → the default resource (MCP
   * 2025-03-26 clients send none). Unknown or malformed → `invalid_target`. RFC 8707 allows
   * several resource parameters; a Portcullis token is for exactly one, so more is refused.
   */
  resolve(value: string | string[] | undefined): ProtectedResource {
    if (Array.isArray(value)) throw new InvalidTarget('exactly one resource may be requested per token');
    if (value === undefined || value === '') return this.defaultResource;
    const canonical = canonicalResource(value);
    if (!canonical) throw new InvalidTarget('resource must be an absolute http(s) URI without a fragment');
    const found = this.byIdentifier.get(canonical);
    if (!found) throw new InvalidTarget('unknown resource');
    return found;
  }

  /** Like resolve, for a value that must be present. */
  require(value: string | undefined): ProtectedResource {
    if (!value) throw new InvalidRequest("missing required parameter 'resource'");
    return this.resolve(value);
  }
}
