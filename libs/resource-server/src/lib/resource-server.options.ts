import type { AccessTokenVerifierOptions } from './access-token-verifier';

export interface ResourceServerOptions extends AccessTokenVerifierOptions {
  /** URL of this resource's RFC 9728 metadata document, named in every challenge (§5.1). */
  resourceMetadataUrl: string;
  /**
   * Scopes named in a 401 challenge when the route itself requires none, e.g. the scopes for
   * basic use of the resource (MCP authorization, "Scope Selection Strategy").
   */
  baselineScopes?: string[];
}

export const RESOURCE_SERVER_OPTIONS = Symbol('RESOURCE_SERVER_OPTIONS');
